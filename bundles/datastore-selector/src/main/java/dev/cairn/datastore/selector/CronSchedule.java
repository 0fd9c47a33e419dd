package dev.cairn.datastore.selector;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A snapshot schedule as K3s's {@code --etcd-snapshot-schedule-cron} writes it (robfig/cron's standard parser):
 * five fields {@code minute hour day-of-month month day-of-week} with {@code *}, {@code ?}, lists, ranges, steps and
 * month and day names, or a descriptor: {@code @yearly}, {@code @monthly}, {@code @weekly}, {@code @daily},
 * {@code @hourly}, {@code @every <duration>}. When both day fields are restricted a day matches either (cron's
 * rule). Times are in the server's time zone.
 */
final class CronSchedule {
    private static final Map<String, String> DESCRIPTORS = Map.of("@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");
    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
            "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    /** No valid schedule is further apart than this (Feb 29 on a given weekday repeats within 28 years). */
    private static final long SEARCH_YEARS = 30;

    private final String text;
    private final Duration every;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean anyDayOfMonth;
    private final boolean anyDayOfWeek;

    private CronSchedule(String text, Duration every, BitSet[] fields, boolean anyDayOfMonth, boolean anyDayOfWeek) {
        this.text = text;
        this.every = every;
        this.minutes = fields[0];
        this.hours = fields[1];
        this.daysOfMonth = fields[2];
        this.months = fields[3];
        this.daysOfWeek = fields[4];
        this.anyDayOfMonth = anyDayOfMonth;
        this.anyDayOfWeek = anyDayOfWeek;
    }

    /** @throws IllegalArgumentException naming the flag and what is wrong */
    static CronSchedule parse(String spec) {
        String s = spec == null ? "" : spec.trim();
        if (s.startsWith("@every")) {
            Duration d = Durations.parse(s.substring("@every".length()).trim(), "etcd-snapshot-schedule-cron",
                    ChronoUnit.SECONDS);
            if (d.compareTo(Duration.ofSeconds(1)) < 0) {
                throw invalid(spec, "@every needs a duration of at least 1s, like @every 6h");
            }
            return new CronSchedule(s, d, new BitSet[5], true, true);
        }
        String expanded = DESCRIPTORS.getOrDefault(s.toLowerCase(Locale.ROOT), s);
        if (expanded.startsWith("@")) {
            throw invalid(spec, "unknown descriptor; use @yearly, @monthly, @weekly, @daily, @hourly or @every <d>");
        }
        String[] f = expanded.split("\\s+");
        if (f.length != 5) {
            throw invalid(spec, "expected 5 fields (minute hour day-of-month month day-of-week), found " + f.length);
        }
        BitSet[] fields = {field(spec, f[0], 0, 59, List.of()), field(spec, f[1], 0, 23, List.of()),
            field(spec, f[2], 1, 31, List.of()), field(spec, f[3], 1, 12, MONTHS), field(spec, f[4], 0, 7, DAYS)};
        if (fields[4].get(7)) {
            fields[4].set(0); // 7 is Sunday too
        }
        return new CronSchedule(s, null, fields, isAny(f[2]), isAny(f[4]));
    }

    /** The first time after {@code after} (exclusive) the schedule fires. */
    ZonedDateTime next(ZonedDateTime after) {
        if (every != null) {
            return after.plus(every);
        }
        ZonedDateTime t = after.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        ZonedDateTime limit = after.plusYears(SEARCH_YEARS);
        while (t.isBefore(limit)) {
            if (!months.get(t.getMonthValue())) {
                t = t.withDayOfMonth(1).withHour(0).withMinute(0).plusMonths(1);
            } else if (!dayMatches(t)) {
                t = t.withHour(0).withMinute(0).plusDays(1);
            } else if (!hours.get(t.getHour())) {
                t = t.withMinute(0).plusHours(1);
            } else if (!minutes.get(t.getMinute())) {
                t = t.plusMinutes(1);
            } else {
                return t;
            }
        }
        throw new IllegalStateException("the schedule '" + text + "' never fires");
    }

    private boolean dayMatches(ZonedDateTime t) {
        boolean dom = daysOfMonth.get(t.getDayOfMonth());
        boolean dow = daysOfWeek.get(t.getDayOfWeek().getValue() % 7);
        if (anyDayOfMonth || anyDayOfWeek) {
            return dom && dow;
        }
        return dom || dow;
    }

    private static boolean isAny(String field) {
        return field.startsWith("*") || field.equals("?");
    }

    private static BitSet field(String spec, String field, int min, int max, List<String> names) {
        BitSet bits = new BitSet(max + 1);
        for (String part : field.split(",")) {
            int step = 1;
            String range = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                step = number(spec, part.substring(slash + 1), 1, Integer.MAX_VALUE, List.of());
                range = part.substring(0, slash);
            }
            int lo;
            int hi;
            if (range.equals("*") || range.equals("?")) {
                lo = min;
                hi = max;
            } else {
                int dash = range.indexOf('-');
                lo = number(spec, dash < 0 ? range : range.substring(0, dash), min, max, names);
                hi = dash < 0 ? (slash >= 0 ? max : lo) : number(spec, range.substring(dash + 1), min, max, names);
            }
            if (lo > hi) {
                throw invalid(spec, "range " + range + " goes backwards");
            }
            for (int v = lo; v <= hi; v += step) {
                bits.set(v);
            }
        }
        return bits;
    }

    private static int number(String spec, String text, int min, int max, List<String> names) {
        int named = names.indexOf(text.toUpperCase(Locale.ROOT));
        if (named >= 0) {
            return named + (names.size() == 12 ? 1 : 0);
        }
        try {
            int v = Integer.parseInt(text);
            if (v < min || v > max) {
                throw invalid(spec, text + " is out of range " + min + "-" + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw invalid(spec, "'" + text + "' is not a number" + (names.isEmpty() ? "" : " or a name"));
        }
    }

    private static IllegalArgumentException invalid(String spec, String why) {
        return new IllegalArgumentException("etcd-snapshot-schedule-cron: '" + spec + "' is not a cron schedule: "
                + why + " (default: '0 */12 * * *', every 12 hours)");
    }

    @Override
    public String toString() {
        return text;
    }
}
