package dev.cairn.etcd.server;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests. No Java library on Maven Central parses
 * it (the Prometheus Java client's text-format module only writes it), so this one follows the format's rules and
 * fails on anything a Prometheus server would reject or misread: a sample before its family's TYPE, a family split
 * in two, a TYPE given twice, a duplicate series, a bad name, label or number, a histogram whose buckets are not
 * cumulative or whose +Inf bucket differs from its count.
 */
final class PrometheusText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    record Sample(String name, Map<String, String> labels, double value) {
    }

    record Family(String name, String type, String help, List<Sample> samples) {
        /** The single sample named {@code name} with exactly these labels. */
        Sample sample(String sampleName, Map<String, String> labels) {
            for (Sample s : samples) {
                if (s.name().equals(sampleName) && s.labels().equals(labels)) {
                    return s;
                }
            }
            throw new AssertionError("no sample " + sampleName + labels + " in " + name);
        }

        double value() {
            return sample(name, Map.of()).value();
        }
    }

    private PrometheusText() {
    }

    static Map<String, Family> parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new AssertionError("the exposition must end with a line feed");
        }
        Map<String, Family> families = new LinkedHashMap<>();
        Set<String> series = new HashSet<>();
        Set<String> closed = new HashSet<>();
        String current = null;
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            String where = "line " + lineNo + " \"" + line + "\": ";
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
                    String name = parts[2];
                    check(NAME.matcher(name).matches(), where + "bad metric name");
                    Family f = families.get(name);
                    if (parts[1].equals("TYPE")) {
                        check(parts.length == 4 && TYPES.contains(parts[3]), where + "bad type");
                        check(f == null || f.type() == null, where + "TYPE given twice");
                        check(f == null || f.samples().isEmpty(), where + "TYPE after samples");
                        f = new Family(name, parts[3], f == null ? null : f.help(), new ArrayList<>());
                    } else {
                        check(f == null || f.help() == null, where + "HELP given twice");
                        f = new Family(name, f == null ? null : f.type(), parts.length == 4 ? unescapeHelp(parts[3])
                                : "", f == null ? new ArrayList<>() : f.samples());
                    }
                    check(!closed.contains(name), where + "family " + name + " continued after another one");
                    families.put(name, f);
                    switchTo(current, name, closed);
                    current = name;
                }
                continue;
            }
            Sample s = sample(line, where);
            String family = familyOf(s.name(), families);
            check(family != null, where + "sample before its family's TYPE");
            check(!closed.contains(family), where + "family " + family + " split in two");
            switchTo(current, family, closed);
            current = family;
            check(series.add(s.name() + new TreeMap<>(s.labels())), where + "duplicate series");
            families.get(family).samples().add(s);
        }
        for (Family f : families.values()) {
            check(f.type() != null, f.name() + " has no TYPE");
            if (f.type().equals("histogram")) {
                checkHistogram(f);
            }
        }
        return families;
    }

    private static void switchTo(String current, String next, Set<String> closed) {
        if (current != null && !current.equals(next)) {
            closed.add(current);
        }
    }

    /** The family a sample belongs to: its own name, or a histogram's or summary's with the suffix removed. */
    private static String familyOf(String sample, Map<String, Family> families) {
        if (families.containsKey(sample) && families.get(sample).type() != null) {
            return sample;
        }
        for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
            if (sample.endsWith(suffix)) {
                String base = sample.substring(0, sample.length() - suffix.length());
                Family f = families.get(base);
                if (f != null && ("histogram".equals(f.type()) || "summary".equals(f.type()))) {
                    return base;
                }
            }
        }
        return null;
    }

    /** For every label set: ascending {@code le}, cumulative counts, +Inf equal to _count, a _sum. */
    private static void checkHistogram(Family f) {
        Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
        Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
        Set<Map<String, String>> sums = new HashSet<>();
        for (Sample s : f.samples()) {
            Map<String, String> series = new TreeMap<>(s.labels());
            if (s.name().equals(f.name() + "_bucket")) {
                check(series.containsKey("le"), f.name() + ": a bucket without le");
                series.remove("le");
                buckets.computeIfAbsent(series, k -> new ArrayList<>()).add(s);
            } else if (s.name().equals(f.name() + "_count")) {
                counts.put(series, s.value());
            } else if (s.name().equals(f.name() + "_sum")) {
                sums.add(series);
            } else {
                throw new AssertionError(f.name() + ": unexpected sample " + s.name());
            }
        }
        check(counts.keySet().equals(buckets.keySet()), f.name() + ": a _count without buckets or the reverse");
        for (Map.Entry<Map<String, String>, List<Sample>> e : buckets.entrySet()) {
            double le = Double.NEGATIVE_INFINITY;
            double cumulative = 0;
            for (Sample b : e.getValue()) {
                double bound = number(b.labels().get("le"), f.name() + " le");
                check(bound > le, f.name() + e.getKey() + ": le not ascending at " + bound);
                check(b.value() >= cumulative, f.name() + e.getKey() + ": buckets not cumulative at le " + bound);
                le = bound;
                cumulative = b.value();
            }
            check(le == Double.POSITIVE_INFINITY, f.name() + e.getKey() + ": no +Inf bucket");
            Double count = counts.get(e.getKey());
            check(count != null && count == cumulative, f.name() + e.getKey() + ": _count " + count
                    + " differs from the +Inf bucket " + cumulative);
            check(sums.contains(e.getKey()), f.name() + e.getKey() + ": no _sum");
        }
    }

    /** Bucket count at {@code le} (cumulative) of a histogram without other labels. */
    static double bucket(Family f, String le) {
        return f.sample(f.name() + "_bucket", Map.of("le", le)).value();
    }

    private static final Pattern SAMPLE = Pattern.compile("([^{ ]+)(\\{(.*)})? (\\S+)( -?\\d+)?");

    private static Sample sample(String line, String where) {
        Matcher m = SAMPLE.matcher(line);
        check(m.matches(), where + "not a sample line");
        String name = m.group(1);
        check(NAME.matcher(name).matches(), where + "bad metric name");
        Map<String, String> labels = m.group(3) == null ? Map.of() : labels(m.group(3), where);
        return new Sample(name, labels, number(m.group(4), where + "value"));
    }

    private static Map<String, String> labels(String s, String where) {
        Map<String, String> labels = new LinkedHashMap<>();
        int i = 0;
        while (i < s.length()) {
            int eq = s.indexOf('=', i);
            check(eq > i, where + "bad label");
            String name = s.substring(i, eq);
            check(LABEL_NAME.matcher(name).matches(), where + "bad label name " + name);
            check(eq + 1 < s.length() && s.charAt(eq + 1) == '"', where + "label value not quoted");
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < s.length() && s.charAt(j) != '"'; j++) {
                char c = s.charAt(j);
                if (c == '\\') {
                    check(j + 1 < s.length(), where + "dangling escape");
                    char e = s.charAt(++j);
                    check(e == '\\' || e == '"' || e == 'n', where + "bad escape \\" + e);
                    value.append(e == 'n' ? '\n' : e);
                } else {
                    check(c != '\n', where + "line feed in a label value");
                    value.append(c);
                }
            }
            check(j < s.length(), where + "unterminated label value");
            check(labels.put(name, value.toString()) == null, where + "label " + name + " twice");
            i = j + 1;
            if (i < s.length()) {
                check(s.charAt(i) == ',', where + "labels not separated by commas");
                i++;
            }
        }
        return labels;
    }

    /** Go's ParseFloat forms Prometheus accepts, including +Inf, -Inf and NaN. */
    static double number(String s, String what) {
        switch (s) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                check(s.matches("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?"), what + ": bad number \"" + s + "\"");
                return Double.parseDouble(s);
        }
    }

    private static String unescapeHelp(String s) {
        return s.replace("\\n", "\n").replace("\\\\", "\\");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }
}
