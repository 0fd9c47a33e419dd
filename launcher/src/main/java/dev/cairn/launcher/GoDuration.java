package dev.cairn.launcher;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written the way etcd and K3s users write them ({@code 50ms}, {@code 5m}, {@code 1h30m}), parsed like
 * Go's {@code time.ParseDuration} and written back in one unit ({@code 90m}) so every bundle can read them
 * without a Go-style parser.
 */
final class GoDuration {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
    private static final String[] UNITS = {"h", "m", "s", "ms", "us", "ns"};
    private static final long[] NANOS = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L};

    private GoDuration() {
    }

    /** Parses a non-negative Go duration; "0" alone is allowed, as in Go. Returns null if {@code text} is not one. */
    static Duration parse(String text) {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher matcher = PART.matcher(text);
        int end = 0;
        BigDecimal nanos = BigDecimal.ZERO;
        while (matcher.find() && matcher.start() == end) {
            nanos = nanos.add(new BigDecimal(matcher.group(1)).multiply(BigDecimal.valueOf(unitNanos(matcher.group(2)))));
            end = matcher.end();
        }
        if (end == 0 || end != text.length()) {
            return null;
        }
        try {
            return Duration.ofNanos(nanos.setScale(0, java.math.RoundingMode.DOWN).longValueExact());
        } catch (ArithmeticException tooLong) {
            return null;
        }
    }

    /** The duration in the largest unit that represents it exactly: {@code 90m}, {@code 1500ms}, {@code 0s}. */
    static String format(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        for (int i = 0; i < UNITS.length; i++) {
            if (nanos % NANOS[i] == 0) {
                return (nanos / NANOS[i]) + UNITS[i];
            }
        }
        throw new AssertionError("unreachable: ns divides everything");
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw new IllegalArgumentException(unit);
        };
    }
}
