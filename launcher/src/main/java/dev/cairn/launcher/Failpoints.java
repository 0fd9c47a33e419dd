package dev.cairn.launcher;

import java.time.Duration;
import java.util.Map;

/**
 * Fault injection for tests, like etcd's {@code GOFAIL_FAILPOINTS}: only the environment variable
 * {@code CAIRN_FAILPOINTS} turns it on (no flag, no config key), so a production config cannot enable it by
 * accident. Syntax: {@code name=value} pairs separated by {@code ;} or {@code ,}.
 */
final class Failpoints {

    static final String ENV = "CAIRN_FAILPOINTS";
    static final String FSYNC_DELAY_PROPERTY = "failpoint.fsync.delay";
    private static final String FSYNC_DELAY = "fsyncDelay";

    private Failpoints() {
    }

    /** The fsync delay asked for (canonical duration such as {@code 50ms}), or "" when no failpoint is set. */
    static String fsyncDelay(Map<String, String> env) throws SettingsException {
        String spec = env.getOrDefault(ENV, "").trim();
        String delay = "";
        if (spec.isEmpty()) {
            return delay;
        }
        for (String term : spec.split("[;,]")) {
            if (term.isBlank()) {
                continue;
            }
            int eq = term.indexOf('=');
            String name = eq < 0 ? term.trim() : term.substring(0, eq).trim();
            String value = eq < 0 ? "" : term.substring(eq + 1).trim();
            if (!name.equals(FSYNC_DELAY)) {
                throw new SettingsException("invalid " + ENV + " \"" + spec + "\": unknown failpoint \"" + name
                        + "\" (known: " + FSYNC_DELAY + "=<duration>)");
            }
            Duration duration = GoDuration.parse(value);
            if (duration == null) {
                throw new SettingsException("invalid " + ENV + " \"" + spec + "\": " + FSYNC_DELAY
                        + " needs a duration like 50ms, got \"" + value + "\"");
            }
            delay = duration.isZero() ? "" : GoDuration.format(duration);
        }
        return delay;
    }
}
