package dev.cairn.apiserver;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A field selector ({@code metadata.name=x,metadata.namespace!=y}) over dotted paths of the object; the fields
 * Kubernetes supports for these types (metadata.name, metadata.namespace, type for secrets, involvedObject.* for
 * events, spec.unschedulable for nodes) are all plain paths, so any path is accepted.
 */
final class FieldSelector {
    private record Term(String path, String value, boolean negated) {
    }

    private final List<Term> terms;

    private FieldSelector(List<Term> terms) {
        this.terms = terms;
    }

    static FieldSelector parse(String text) {
        List<Term> terms = new ArrayList<>();
        if (text != null && !text.isBlank()) {
            for (String raw : text.split(",")) {
                String t = raw.trim();
                int neq = t.indexOf("!=");
                int eq = t.indexOf('=');
                if (neq > 0) {
                    terms.add(new Term(t.substring(0, neq).trim(), t.substring(neq + 2).trim(), true));
                } else if (eq > 0) {
                    int valueStart = t.startsWith("==", eq) ? eq + 2 : eq + 1;
                    terms.add(new Term(t.substring(0, eq).trim(), t.substring(valueStart).trim(), false));
                } else {
                    throw ApiException.badRequest("invalid selector: '" + text + "'; can't understand '" + t + "'");
                }
            }
        }
        return new FieldSelector(terms);
    }

    boolean matches(JsonObject object) {
        for (Term t : terms) {
            boolean equal = t.value.equals(valueAt(object, t.path));
            if (equal == t.negated) {
                return false;
            }
        }
        return true;
    }

    /** The single name this selector pins ({@code metadata.name=x}), or null. */
    String pinnedName() {
        return pinned("metadata.name");
    }

    /** The value an equality term pins {@code path} to, or null. */
    String pinned(String path) {
        for (Term t : terms) {
            if (!t.negated && t.path.equals(path)) {
                return t.value;
            }
        }
        return null;
    }

    private static String valueAt(JsonObject object, String path) {
        JsonElement e = object;
        for (String part : path.split("\\.")) {
            if (e == null || !e.isJsonObject()) {
                return "";
            }
            e = e.getAsJsonObject().get(part);
        }
        return e == null || e.isJsonNull() ? "" : e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }
}
