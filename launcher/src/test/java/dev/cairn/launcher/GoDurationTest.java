package dev.cairn.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.time.Duration;
import org.junit.Test;

public class GoDurationTest {

    @Test
    public void parsesGoDurations() {
        assertEquals(Duration.ofMillis(50), GoDuration.parse("50ms"));
        assertEquals(Duration.ofMinutes(90), GoDuration.parse("1h30m"));
        assertEquals(Duration.ofMillis(1500), GoDuration.parse("1.5s"));
        assertEquals(Duration.ofNanos(2500), GoDuration.parse("2us500ns"));
        assertEquals(Duration.ofNanos(3000), GoDuration.parse("3µs"));
        assertEquals(Duration.ZERO, GoDuration.parse("0"));
    }

    @Test
    public void rejectsWhatGoRejects() {
        assertNull(GoDuration.parse(""));
        assertNull(GoDuration.parse("5"));
        assertNull(GoDuration.parse("-5s"));
        assertNull(GoDuration.parse("5 s"));
        assertNull(GoDuration.parse("1d"));
        assertNull(GoDuration.parse("ms"));
        assertNull(GoDuration.parse("1h30"));
    }

    @Test
    public void formatsInTheLargestExactUnit() {
        assertEquals("1h", GoDuration.format(Duration.ofHours(1)));
        assertEquals("90m", GoDuration.format(Duration.ofMinutes(90)));
        assertEquals("1500ms", GoDuration.format(Duration.ofMillis(1500)));
        assertEquals("2500ns", GoDuration.format(Duration.ofNanos(2500)));
        assertEquals("0s", GoDuration.format(Duration.ZERO));
    }
}
