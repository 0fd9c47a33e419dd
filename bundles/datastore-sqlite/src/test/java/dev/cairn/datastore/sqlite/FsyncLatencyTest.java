package dev.cairn.datastore.sqlite;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.DiskCheck;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

/** The running fsync figure: the slow-disk warning from the recent fsyncs' p99, at most once a minute. */
public class FsyncLatencyTest {
    private final AtomicLong now = new AtomicLong();
    private final DiskProbe.Result fastProbe = new DiskProbe.Result(Path.of("/data/db"), 40, 1, 2, "");

    private FsyncLatency latency() {
        return new FsyncLatency(fastProbe, 100, "move the data dir", now::get);
    }

    private void fsyncs(FsyncLatency l, int n, double seconds) {
        for (int i = 0; i < n; i++) {
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
            l.observe(seconds);
        }
    }

    @Test
    public void slowRecentFsyncsRaiseTheWarningWithTheFigureAndTheAdvice() {
        FsyncLatency l = latency();
        fsyncs(l, 30, 0.002);
        assertFalse(l.check().slow());
        fsyncs(l, 30, 0.250);
        DiskCheck c = l.check();
        assertTrue(c.slow());
        assertEquals(250, c.recentP99Ms(), 0.01);
        assertTrue(c.warning(), c.warning().contains("fsync p99 250.0 ms in /data/db"));
        assertTrue(c.warning(), c.warning().contains("above the 100.0 ms"));
        assertTrue(c.warning(), c.warning().endsWith("move the data dir"));
        assertEquals(1, l.warningsLogged());
    }

    @Test
    public void theWarningIsLoggedAtMostOnceAMinuteAndClearsWhenTheDiskRecovers() {
        FsyncLatency l = latency();
        fsyncs(l, 300, 0.250); // 30 s of slow fsyncs, judged every second
        assertEquals(1, l.warningsLogged());
        fsyncs(l, 400, 0.250); // past the minute
        assertEquals(2, l.warningsLogged());
        fsyncs(l, FsyncLatency.RECENT + 20, 0.001);
        assertFalse(l.check().warning(), l.check().slow());
        assertEquals(2, l.warningsLogged());
    }

    @Test
    public void aFewSlowFsyncsAmongManyFastOnesAreNotAP99() {
        FsyncLatency l = latency();
        for (int i = 0; i < 10; i++) {
            fsyncs(l, 199, 0.002);
            fsyncs(l, 1, 0.500);
        }
        assertFalse(l.check().slow());
        assertEquals(0, l.warningsLogged());
    }

    @Test
    public void everyFsyncLandsInTheHistogram() {
        FsyncLatency l = latency();
        fsyncs(l, 5, 0.003);
        fsyncs(l, 2, 0.300);
        assertEquals(7, l.histogram().count());
        assertEquals(0.615, l.histogram().sum(), 1e-9);
    }
}
