package dev.cairn.datastore.raft;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * When a follower campaigns, tick by tick, with the timeout drawn as the largest or smallest it can be. That the
 * campaign goes through Ratis and elects a leader is covered by every test that stops a leader (e.g.
 * {@code ClusterReplicationTest.afterTheLeaderStopsWritesResumeAndNoAcknowledgedWriteIsLost}); how much sooner
 * writes resume is a benchmark figure (README, failover).
 */
public class CandidacyTimerTest {
    private static final long TICK = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long LATE = TimeUnit.MILLISECONDS.toNanos(10 + 300);

    private static CandidacyTimer.Deadline longest() {
        return new CandidacyTimer.Deadline(400, 800, LATE, bound -> bound - 1);
    }

    @Test
    public void aFollowerCampaignsOnceItsTimeoutPassedSinceItsLastWordFromTheLeader() {
        CandidacyTimer.Deadline d = longest();
        Object word = new Object();
        long now = -5_000_000_000L; // nanoTime may be negative
        for (long silent = 0; silent < 800; silent += 10, now += TICK) {
            assertFalse("silent for " + silent + " ms", d.due(word, silent, false, now));
        }
        assertTrue("silent for 800 ms", d.due(word, 800, false, now));
        assertEquals(800, d.timeoutMs());
    }

    @Test
    public void eachWordFromTheLeaderStartsTheSilenceAfresh() {
        CandidacyTimer.Deadline d = longest();
        long now = 0;
        for (int heartbeat = 0; heartbeat < 20; heartbeat++) {
            Object word = new Object();
            for (long silent = 0; silent <= 200; silent += 10, now += TICK) {
                assertFalse(d.due(word, silent, false, now));
            }
        }
    }

    @Test
    public void theTimeoutIsDrawnBetweenTheBoundsForEachWord() {
        long[] draws = {0, 400};
        int[] next = {0};
        CandidacyTimer.Deadline d = new CandidacyTimer.Deadline(400, 800, LATE, bound -> {
            assertEquals("a draw from 0 to 400", 401, bound);
            return draws[next[0]++];
        });
        assertTrue(d.due(new Object(), 400, false, 0));
        assertEquals(400, d.timeoutMs());
        Object second = new Object();
        assertFalse(d.due(second, 799, false, TICK));
        assertTrue(d.due(second, 800, false, 2 * TICK));
    }

    @Test
    public void noCampaignWhileAnAppendIsInHandOrAfterSteppingDownForLostHeartbeats() {
        CandidacyTimer.Deadline d = longest();
        Object word = new Object();
        assertFalse(d.due(word, 5_000, true, 0));
        assertTrue(d.due(word, 5_010, false, TICK));
    }

    @Test
    public void afterALateTickTheFollowerWaitsOneMoreTimeoutBeforeItCampaigns() {
        CandidacyTimer.Deadline d = longest();
        Object word = new Object();
        long now = 0;
        assertFalse(d.due(word, 100, false, now));
        now += TimeUnit.MILLISECONDS.toNanos(900); // this machine stalled: the leader's heartbeats may be queued
        assertFalse(d.due(word, 1_000, false, now));
        long resumed = now;
        for (now += TICK; now - resumed < TimeUnit.MILLISECONDS.toNanos(800); now += TICK) {
            assertFalse(d.due(word, 1_000 + (now - resumed) / 1_000_000, false, now));
        }
        assertTrue(d.due(word, 1_800, false, now));
    }

    @Test
    public void aMemberThatStopsFollowingStartsItsNextSilenceAfresh() {
        CandidacyTimer.Deadline d = longest();
        Object word = new Object();
        assertFalse(d.due(word, 100, false, 0));
        d.reset(); // led or was a candidate for a while: no tick for seconds
        assertFalse("no late tick after a reset", d.due(word, 700, false, TimeUnit.SECONDS.toNanos(5)));
        assertTrue(d.due(word, 800, false, TimeUnit.SECONDS.toNanos(5) + TICK));
    }
}
