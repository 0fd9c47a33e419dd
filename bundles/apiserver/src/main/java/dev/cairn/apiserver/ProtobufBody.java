package dev.cairn.apiserver;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes' protobuf request bodies ({@code application/vnd.kubernetes.protobuf}: the magic {@code "k8s\0"} and a
 * {@code runtime.Unknown} wrapping the typed message), turned into the JSON the store keeps. kubectl's typed
 * {@code create} subcommands send these and do not retry as JSON.
 */
final class ProtobufBody {
    private static final byte[] MAGIC = {'k', '8', 's', 0};
    private static final Map<String, Parser<? extends Message>> PARSERS = Map.of(
            "ConfigMap", V1.ConfigMap.parser(),
            "Secret", V1.Secret.parser(),
            "Namespace", V1.Namespace.parser(),
            "Node", V1.Node.parser(),
            "Event", V1.Event.parser());

    private ProtobufBody() {
    }

    static JsonObject decode(byte[] body) {
        if (body.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(body, MAGIC.length), MAGIC)) {
            throw ApiException.badRequest("the protobuf body does not start with the Kubernetes magic \"k8s\\0\"");
        }
        try {
            Runtime.Unknown unknown = Runtime.Unknown.parseFrom(
                    Arrays.copyOfRange(body, MAGIC.length, body.length));
            String kind = unknown.getTypeMeta().getKind();
            Parser<? extends Message> parser = PARSERS.get(kind);
            if (parser == null) {
                throw new ApiException(415, "UnsupportedMediaType", "the protobuf encoding of kind \"" + kind
                        + "\" is not supported; send it as application/json");
            }
            JsonObject object = toJson(parser.parseFrom(unknown.getRaw()));
            object.addProperty("apiVersion", unknown.getTypeMeta().getApiVersion());
            object.addProperty("kind", kind);
            return object;
        } catch (InvalidProtocolBufferException e) {
            throw ApiException.badRequest("the protobuf body cannot be decoded: " + e.getMessage());
        }
    }

    /** Kubernetes' JSON form of a generated message: the proto field names are the JSON names. */
    static JsonObject toJson(Message m) {
        JsonObject o = new JsonObject();
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            FieldDescriptor f = e.getKey();
            if (f.isMapField()) {
                JsonObject map = new JsonObject();
                for (Object entry : (List<?>) e.getValue()) {
                    Message me = (Message) entry;
                    FieldDescriptor kf = me.getDescriptorForType().findFieldByName("key");
                    FieldDescriptor vf = me.getDescriptorForType().findFieldByName("value");
                    map.add(String.valueOf(me.getField(kf)), value(vf, me.getField(vf)));
                }
                o.add(f.getName(), map);
            } else if (f.isRepeated()) {
                JsonArray a = new JsonArray();
                for (Object v : (List<?>) e.getValue()) {
                    a.add(value(f, v));
                }
                o.add(f.getName(), a);
            } else {
                JsonElement v = value(f, e.getValue());
                // Go writes every non-pointer field; Kubernetes' JSON omits the empty ones (omitempty)
                if (!isEmpty(v)) {
                    o.add(f.getName(), v);
                }
            }
        }
        return o;
    }

    private static boolean isEmpty(JsonElement v) {
        if (v.isJsonNull()) {
            return true;
        }
        if (v.isJsonObject()) {
            return v.getAsJsonObject().size() == 0;
        }
        if (v.isJsonPrimitive()) {
            JsonPrimitive p = v.getAsJsonPrimitive();
            return p.isString() && p.getAsString().isEmpty() || p.isBoolean() && !p.getAsBoolean()
                    || p.isNumber() && p.getAsDouble() == 0;
        }
        return false;
    }

    private static JsonElement value(FieldDescriptor f, Object v) {
        switch (f.getJavaType()) {
            case MESSAGE:
                return message((Message) v);
            case BYTE_STRING:
                return new JsonPrimitive(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()));
            case BOOLEAN:
                return new JsonPrimitive((Boolean) v);
            case INT:
            case LONG:
            case FLOAT:
            case DOUBLE:
                return new JsonPrimitive((Number) v);
            default:
                return new JsonPrimitive(String.valueOf(v));
        }
    }

    /** The apimachinery types whose JSON is not their message form. */
    private static JsonElement message(Message m) {
        String name = m.getDescriptorForType().getFullName();
        if (name.endsWith("apimachinery.pkg.apis.meta.v1.Time")) {
            if (seconds(m) == 0) {
                return com.google.gson.JsonNull.INSTANCE;
            }
            return new JsonPrimitive(Instant.ofEpochSecond(seconds(m)).toString());
        }
        if (name.endsWith("apimachinery.pkg.apis.meta.v1.MicroTime")) {
            Object nanos = m.getField(m.getDescriptorForType().findFieldByName("nanos"));
            return new JsonPrimitive(Instant.ofEpochSecond(seconds(m), ((Number) nanos).longValue())
                    .truncatedTo(ChronoUnit.MICROS).toString());
        }
        if (name.endsWith("apimachinery.pkg.api.resource.Quantity")) {
            return new JsonPrimitive(String.valueOf(m.getField(m.getDescriptorForType().findFieldByName("string"))));
        }
        if (name.endsWith("apimachinery.pkg.util.intstr.IntOrString")) {
            Number type = (Number) m.getField(m.getDescriptorForType().findFieldByName("type"));
            String field = type.intValue() == 0 ? "intVal" : "strVal";
            Object v = m.getField(m.getDescriptorForType().findFieldByName(field));
            return v instanceof Number n ? new JsonPrimitive(n) : new JsonPrimitive(String.valueOf(v));
        }
        return toJson(m);
    }

    private static long seconds(Message m) {
        return ((Number) m.getField(m.getDescriptorForType().findFieldByName("seconds"))).longValue();
    }
}
