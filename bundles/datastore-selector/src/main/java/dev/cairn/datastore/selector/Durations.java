package dev.cairn.datastore.selector;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations written the way etcd and K3s flags write them: {@code 90s}, {@code 5m}, {@code 1h30m}, {@code 250ms}. */
final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private Durations() {
    }

    /**
     * @param text         the duration; a bare number is taken in {@code bareNumberUnit}
     * @param setting      the setting's name, for the error message
     */
    static Duration parse(String text, String setting, java.time.temporal.ChronoUnit bareNumberUnit) {
        String s = text == null ? "" : text.trim();
        if (s.isEmpty()) {
            return Duration.ZERO;
        }
        if (s.matches("\\d+")) {
            return Duration.of(Long.parseLong(s), bareNumberUnit);
        }
        Matcher m = PART.matcher(s);
        long nanos = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double n = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos += (long) (n * unit);
            end = m.end();
        }
        if (end != s.length()) {
            throw new IllegalArgumentException(setting + ": '" + text
                    + "' is not a duration; write it like 250ms, 30s, 5m or 1h30m");
        }
        return Duration.ofNanos(nanos);
    }
}
