package dev.cairn.apiserver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.fail;

import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import java.io.ByteArrayOutputStream;
import org.junit.Test;

public class ProtobufBodyTest {

    private static byte[] envelope(String kind, com.google.protobuf.Message raw) {
        Runtime.Unknown unknown = Runtime.Unknown.newBuilder()
                .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion("v1").setKind(kind))
                .setRaw(raw.toByteString()).setContentEncoding("").setContentType("").build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'k', '8', 's', 0});
        out.writeBytes(unknown.toByteArray());
        return out.toByteArray();
    }

    @Test
    public void configMapAsKubectlCreateSendsIt() {
        // Go writes empty strings and zero numbers of non-pointer fields; they must not reach the stored JSON
        V1.ConfigMap cm = V1.ConfigMap.newBuilder()
                .setMetadata(Meta.ObjectMeta.newBuilder().setName("x").setGenerateName("").setGeneration(0)
                        .setCreationTimestamp(Meta.Time.newBuilder().setSeconds(0)))
                .putData("a", "1").putBinaryData("b", ByteString.copyFromUtf8("hi")).build();
        JsonObject o = ProtobufBody.decode(envelope("ConfigMap", cm));
        assertEquals("ConfigMap", o.get("kind").getAsString());
        assertEquals("v1", o.get("apiVersion").getAsString());
        JsonObject meta = o.getAsJsonObject("metadata");
        assertEquals("x", meta.get("name").getAsString());
        assertFalse(meta.has("generateName"));
        assertFalse(meta.has("generation"));
        assertFalse(meta.has("creationTimestamp"));
        assertEquals("1", o.getAsJsonObject("data").get("a").getAsString());
        assertEquals("aGk=", o.getAsJsonObject("binaryData").get("b").getAsString());
    }

    @Test
    public void secretDataIsBase64AndNamespaceDecodes() {
        V1.Secret s = V1.Secret.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName("s"))
                .putData("p", ByteString.copyFromUtf8("q")).setType("Opaque").build();
        JsonObject o = ProtobufBody.decode(envelope("Secret", s));
        assertEquals("cQ==", o.getAsJsonObject("data").get("p").getAsString());
        assertEquals("Opaque", o.get("type").getAsString());
        V1.Namespace ns = V1.Namespace.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName("team")
                .putLabels("k", "v")).build();
        JsonObject n = ProtobufBody.decode(envelope("Namespace", ns));
        assertEquals("v", n.getAsJsonObject("metadata").getAsJsonObject("labels").get("k").getAsString());
    }

    @Test
    public void withoutTheMagicIs400AndUnknownKindsAre415() {
        try {
            ProtobufBody.decode(new byte[] {1, 2, 3});
            fail();
        } catch (ApiException e) {
            assertEquals(400, e.code());
        }
        try {
            ProtobufBody.decode(envelope("Pod", V1.ConfigMap.getDefaultInstance()));
            fail();
        } catch (ApiException e) {
            assertEquals(415, e.code());
        }
    }
}
