package dev.cairn.datastore.selector;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.Test;

public class DurationsTest {

    @Test
    public void readsEtcdStyleDurations() {
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms", "x", ChronoUnit.HOURS));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m", "x", ChronoUnit.HOURS));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s", "x", ChronoUnit.HOURS));
        assertEquals(Duration.ZERO, Durations.parse("", "x", ChronoUnit.HOURS));
    }

    @Test
    public void bareNumberTakesTheSettingsUnit() {
        assertEquals(Duration.ofHours(5), Durations.parse("5", "x", ChronoUnit.HOURS));
        assertEquals(Duration.ofMillis(5), Durations.parse("5", "x", ChronoUnit.MILLIS));
    }

    @Test
    public void garbageIsRefusedNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Durations.parse("5 minutes", "auto-compaction-retention", ChronoUnit.HOURS));
        assertTrue(e.getMessage(), e.getMessage().startsWith("auto-compaction-retention: '5 minutes'"));
    }
}
