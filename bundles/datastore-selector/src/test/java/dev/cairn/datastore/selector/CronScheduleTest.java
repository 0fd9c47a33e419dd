package dev.cairn.datastore.selector;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.Test;

public class CronScheduleTest {
    private static final ZonedDateTime MONDAY_0513 = ZonedDateTime.of(2026, 12, 7, 5, 13, 27, 0, ZoneOffset.UTC);

    private static ZonedDateTime next(String spec, ZonedDateTime after) {
        return CronSchedule.parse(spec).next(after);
    }

    @Test
    public void theDefaultFiresAtMidnightAndNoon() {
        ZonedDateTime first = next("0 */12 * * *", MONDAY_0513);
        assertEquals(MONDAY_0513.withHour(12).withMinute(0).withSecond(0), first);
        assertEquals(first.plusHours(12), next("0 */12 * * *", first));
    }

    @Test
    public void descriptorsAndEvery() {
        assertEquals(MONDAY_0513.withHour(6).withMinute(0).withSecond(0), next("@hourly", MONDAY_0513));
        assertEquals(ZonedDateTime.of(2026, 12, 8, 0, 0, 0, 0, ZoneOffset.UTC), next("@daily", MONDAY_0513));
        assertEquals(ZonedDateTime.of(2026, 12, 13, 0, 0, 0, 0, ZoneOffset.UTC), next("@weekly", MONDAY_0513));
        assertEquals(ZonedDateTime.of(2027, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), next("@yearly", MONDAY_0513));
        assertEquals(MONDAY_0513.plusSeconds(90), next("@every 1m30s", MONDAY_0513));
    }

    @Test
    public void listsRangesStepsAndNames() {
        // weekdays at 02:30: Monday 05:13 -> Tuesday 02:30
        assertEquals(ZonedDateTime.of(2026, 12, 8, 2, 30, 0, 0, ZoneOffset.UTC), next("30 2 * * MON-FRI",
                MONDAY_0513));
        assertEquals(MONDAY_0513.withMinute(15).withSecond(0), next("0,15,45 * * * *", MONDAY_0513));
        assertEquals(MONDAY_0513.withMinute(20).withSecond(0), next("5/15 * * * *", MONDAY_0513));
        assertEquals(ZonedDateTime.of(2027, 3, 1, 0, 0, 0, 0, ZoneOffset.UTC), next("0 0 1 mar *", MONDAY_0513));
        assertEquals(ZonedDateTime.of(2026, 12, 13, 0, 0, 0, 0, ZoneOffset.UTC), next("0 0 * * 7", MONDAY_0513));
    }

    @Test
    public void restrictedDayOfMonthAndWeekdayMatchEither() {
        // the 15th or a Wednesday, whichever comes first: Wednesday 9 December
        assertEquals(ZonedDateTime.of(2026, 12, 9, 0, 0, 0, 0, ZoneOffset.UTC), next("0 0 15 * WED", MONDAY_0513));
        // only the day of month restricted: the 15th
        assertEquals(ZonedDateTime.of(2026, 12, 15, 0, 0, 0, 0, ZoneOffset.UTC), next("0 0 15 * *", MONDAY_0513));
    }

    @Test
    public void aLeapDayScheduleFindsTheNextLeapYear() {
        assertEquals(ZonedDateTime.of(2028, 2, 29, 0, 0, 0, 0, ZoneOffset.UTC), next("0 0 29 2 *", MONDAY_0513));
    }

    @Test
    public void badSchedulesAreRefusedNamingTheFlagAndTheFault() {
        assertRefused("0 */12 * *", "expected 5 fields");
        assertRefused("61 * * * *", "61 is out of range 0-59");
        assertRefused("0 0 * * FUNDAY", "'FUNDAY' is not a number or a name");
        assertRefused("@fortnightly", "unknown descriptor");
        assertRefused("@every 0s", "at least 1s");
        assertRefused("0 5-2 * * *", "goes backwards");
    }

    private static void assertRefused(String spec, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse(spec));
        assertTrue(e.getMessage(), e.getMessage().startsWith("etcd-snapshot-schedule-cron: '" + spec + "'"));
        assertTrue(e.getMessage(), e.getMessage().contains(why));
    }
}
