package dev.cairn.launcher;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fault injection for tests, like etcd's {@code GOFAIL_FAILPOINTS}: only the environment variable
 * {@code CAIRN_FAILPOINTS} turns it on (no flag, no config key), so a production config cannot enable it by
 * accident. Syntax: {@code name=value} pairs separated by {@code ;} or {@code ,}.
 *
 * <ul>
 * <li>{@code fsyncDelay=<duration>}: every fsync of the store waits this long first.</li>
 * <li>{@code conversionCrash=<step>}: a SQLite-to-embedded-etcd conversion halts the process (as {@code kill -9}
 * would) at that step: {@code copied}, {@code staged}, {@code renamed} or {@code opened}.</li>
 * </ul>
 */
final class Failpoints {

    static final String ENV = "CAIRN_FAILPOINTS";
    static final String FSYNC_DELAY_PROPERTY = "failpoint.fsync.delay";
    static final String CONVERSION_CRASH_PROPERTY = "failpoint.conversion.crash";
    private static final String FSYNC_DELAY = "fsyncDelay";
    private static final String CONVERSION_CRASH = "conversionCrash";
    private static final List<String> CONVERSION_STEPS = List.of("copied", "staged", "renamed", "opened");
    private static final String KNOWN = FSYNC_DELAY + "=<duration>, " + CONVERSION_CRASH + "=<"
            + String.join("|", CONVERSION_STEPS) + ">";

    private Failpoints() {
    }

    /** The fsync delay asked for (canonical duration such as {@code 50ms}), or "" when no failpoint is set. */
    static String fsyncDelay(Map<String, String> env) throws SettingsException {
        String value = parse(env).getOrDefault(FSYNC_DELAY, "");
        if (value.isEmpty()) {
            return "";
        }
        Duration duration = GoDuration.parse(value);
        if (duration == null) {
            throw invalid(env, FSYNC_DELAY + " needs a duration like 50ms, got \"" + value + "\"");
        }
        return duration.isZero() ? "" : GoDuration.format(duration);
    }

    /** The conversion step to halt at, or "". */
    static String conversionCrash(Map<String, String> env) throws SettingsException {
        String value = parse(env).getOrDefault(CONVERSION_CRASH, "");
        if (!value.isEmpty() && !CONVERSION_STEPS.contains(value)) {
            throw invalid(env, CONVERSION_CRASH + " needs one of " + CONVERSION_STEPS + ", got \"" + value + "\"");
        }
        return value;
    }

    private static Map<String, String> parse(Map<String, String> env) throws SettingsException {
        Map<String, String> points = new LinkedHashMap<>();
        for (String term : env.getOrDefault(ENV, "").trim().split("[;,]")) {
            if (term.isBlank()) {
                continue;
            }
            int eq = term.indexOf('=');
            String name = eq < 0 ? term.trim() : term.substring(0, eq).trim();
            if (!name.equals(FSYNC_DELAY) && !name.equals(CONVERSION_CRASH)) {
                throw invalid(env, "unknown failpoint \"" + name + "\" (known: " + KNOWN + ")");
            }
            points.put(name, eq < 0 ? "" : term.substring(eq + 1).trim());
        }
        return points;
    }

    private static SettingsException invalid(Map<String, String> env, String why) {
        return new SettingsException("invalid " + ENV + " \"" + env.getOrDefault(ENV, "").trim() + "\": " + why);
    }
}
