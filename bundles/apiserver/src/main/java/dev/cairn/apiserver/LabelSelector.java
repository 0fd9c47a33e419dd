package dev.cairn.apiserver;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A Kubernetes label selector ({@code a=b, c!=d, e in (f,g), h notin (i), j, !k}): every requirement must hold.
 */
final class LabelSelector {
    private final List<Predicate<Map<String, String>>> requirements;

    private LabelSelector(List<Predicate<Map<String, String>>> requirements) {
        this.requirements = requirements;
    }

    static LabelSelector parse(String text) {
        List<Predicate<Map<String, String>>> reqs = new ArrayList<>();
        if (text != null) {
            for (String term : splitTerms(text)) {
                String t = term.trim();
                if (!t.isEmpty()) {
                    reqs.add(requirement(t, text));
                }
            }
        }
        return new LabelSelector(reqs);
    }

    boolean matches(Map<String, String> labels) {
        for (Predicate<Map<String, String>> r : requirements) {
            if (!r.test(labels)) {
                return false;
            }
        }
        return true;
    }

    boolean isEmpty() {
        return requirements.isEmpty();
    }

    /** Splits on commas outside parentheses. */
    private static List<String> splitTerms(String text) {
        List<String> terms = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                terms.add(text.substring(start, i));
                start = i + 1;
            }
        }
        terms.add(text.substring(start));
        return terms;
    }

    private static Predicate<Map<String, String>> requirement(String t, String whole) {
        if (t.startsWith("!")) {
            String key = checkedKey(t.substring(1).trim(), whole);
            return labels -> !labels.containsKey(key);
        }
        int neq = t.indexOf("!=");
        if (neq > 0) {
            String key = checkedKey(t.substring(0, neq).trim(), whole);
            String value = t.substring(neq + 2).trim();
            return labels -> !value.equals(labels.get(key));
        }
        int eq = t.indexOf('=');
        if (eq > 0) {
            String key = checkedKey(t.substring(0, eq).trim(), whole);
            String value = t.substring(t.startsWith("==", eq) ? eq + 2 : eq + 1).trim();
            return labels -> value.equals(labels.get(key));
        }
        String[] words = t.split("\\s+", 2);
        if (words.length == 2) {
            String key = checkedKey(words[0], whole);
            String rest = words[1].trim();
            boolean notIn = rest.startsWith("notin");
            boolean in = rest.startsWith("in");
            String list = rest.substring(notIn ? 5 : in ? 2 : 0).trim();
            if ((in || notIn) && list.startsWith("(") && list.endsWith(")")) {
                Set<String> values = Set.copyOf(trimmed(list.substring(1, list.length() - 1).split(",")));
                return notIn ? labels -> !values.contains(labels.get(key))
                        : labels -> labels.containsKey(key) && values.contains(labels.get(key));
            }
            throw ApiException.badRequest("unable to parse requirement: \"" + t + "\" in label selector \"" + whole
                    + "\"");
        }
        String key = checkedKey(t, whole);
        return labels -> labels.containsKey(key);
    }

    private static List<String> trimmed(String[] parts) {
        List<String> out = new ArrayList<>();
        for (String p : parts) {
            out.add(p.trim());
        }
        return out;
    }

    private static String checkedKey(String key, String whole) {
        if (key.isEmpty() || !key.matches("[A-Za-z0-9._/-]+")) {
            throw ApiException.badRequest("invalid label key \"" + key + "\" in label selector \"" + whole + "\"");
        }
        return key;
    }
}
