package dev.cairn.datastore.raft;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;
import java.util.function.Supplier;

import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.util.Timestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a follower campaign as soon as its election timeout has passed since it last heard from the leader, as
 * etcd's followers do. Ratis's follower thread sleeps a random election timeout and only then looks whether it
 * heard from the leader during that sleep; a leader that dies early in one sleep is noticed at the end of the
 * next one. At the default 400-800 ms timeout a follower so campaigned 400 to 1,600 ms after the leader's last
 * word (measured: 1,235 ms after a kill -9, with a 668 ms timeout), and writes stopped about a second on average.
 * This looks every few milliseconds instead, and campaigns through the transition Ratis's follower thread uses,
 * under the same lock and with the same checks; Ratis's own check stays in place.
 *
 * <p>Like Ratis it does not campaign while it handles an append from the leader, after this member stepped down
 * as leader for lost heartbeats (Ratis then waits its step-down time), or right after its own timer came late (the
 * process was stalled, so the silence may be its own): then it waits one more timeout. A tick 100 ms late (at the
 * default) counts as a stall; Ratis's own threshold, 300 ms, is meant for its sleeps of a whole timeout, and with
 * 200 ms between heartbeats a stall of 200 ms already brings the silence to the shortest timeout.
 *
 * <p>Ratis has no public way to its follower state; it is reached by reflection ({@link RatisInternals}).
 * Should a Ratis upgrade move it, this logs one WARN and stops: followers then campaign at Ratis's own pace.
 */
final class CandidacyTimer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CandidacyTimer.class);

    private final Supplier<RaftServer.Division> division;
    private final String member;
    private final Deadline deadline;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cairn-raft-candidacy");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean unavailable;
    private Method getLastRpcTime;
    private Method getOutstandingOp;
    private Method changeToCandidate;
    private Field reason;

    /**
     * @param minMs       the election timeout's lower bound
     * @param maxMs       its upper bound
     * @param oversleepMs Ratis's sleep deviation threshold: a tick later than that, or than a quarter of
     *                    {@code minMs} (the smaller), puts the silence down to this process, which was stalled
     *                    (a garbage collection, a starved machine) and may not have handled the heartbeats that came
     */
    CandidacyTimer(String member, Supplier<RaftServer.Division> division, long minMs, long maxMs, long oversleepMs) {
        this.member = member;
        this.division = division;
        long tick = tickMs(minMs);
        long lateMs = tick + Math.min(oversleepMs, minMs / 4);
        this.deadline = new Deadline(minMs, maxMs, TimeUnit.MILLISECONDS.toNanos(lateMs),
                bound -> ThreadLocalRandom.current().nextLong(bound));
        timer.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** A fortieth of the shortest timeout: 10 ms at the default, a small part of the 400-800 ms range. */
    static long tickMs(long minMs) {
        return Math.max(5, minMs / 40);
    }

    private void tick() {
        if (unavailable) {
            return;
        }
        RaftServer.Division d;
        try {
            d = division.get();
        } catch (IllegalStateException e) {
            deadline.reset(); // the group is not running here (yet, or any more)
            return;
        }
        try {
            Object follower = d.getInfo().isFollower() ? followerState(d) : null;
            if (follower == null) {
                deadline.reset();
                return;
            }
            Timestamp heard = (Timestamp) getLastRpcTime.invoke(follower);
            boolean held = (int) getOutstandingOp.invoke(follower) > 0
                    || reason.get(follower) == LeaderState.StepDownReason.LOST_MAJORITY_HEARTBEATS;
            if (deadline.due(heard, heard.elapsedTimeMs(), held, System.nanoTime())) {
                campaign(d, follower, heard);
            }
        } catch (InvocationTargetException e) {
            // Ratis itself failed (the server is closing, say): the next silence is looked at again
            LOG.warn("raft follower campaign failed member={} cause=\"{}\"", member, e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            unavailable = true;
            LOG.warn("raft candidacy timer off: followers campaign at Ratis's own pace cause=\"{}\"", e.toString());
        }
    }

    /** Ratis's own transition to candidate, under the lock its follower thread takes for it, if nothing changed. */
    private void campaign(RaftServer.Division d, Object follower, Timestamp heard)
            throws ReflectiveOperationException {
        synchronized (d) {
            if (!d.getInfo().isFollower() || !d.getInfo().isAlive() || followerState(d) != follower
                    || getLastRpcTime.invoke(follower) != heard || (int) getOutstandingOp.invoke(follower) > 0) {
                return;
            }
            LOG.info("raft follower campaigns member={} silentMs={} electionTimeoutMs={}", member,
                    heard.elapsedTimeMs(), deadline.timeoutMs());
            changeToCandidate.invoke(d, false);
        }
    }

    /** Ratis's follower state while this member follows, else null. */
    private Object followerState(RaftServer.Division d) throws ReflectiveOperationException {
        Optional<?> state = RatisInternals.followerState(RatisInternals.role(d));
        if (state.isEmpty()) {
            return null;
        }
        Object follower = state.get();
        if (getLastRpcTime == null) {
            changeToCandidate = RatisInternals.method(d.getClass(), "changeToCandidate", boolean.class);
            getLastRpcTime = RatisInternals.method(follower.getClass(), "getLastRpcTime");
            getOutstandingOp = RatisInternals.method(follower.getClass(), "getOutstandingOp");
            reason = follower.getClass().getDeclaredField("reason");
            reason.setAccessible(true);
        }
        return follower;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /**
     * When a follower's silence calls for a campaign: once it lasted a timeout drawn afresh, between the bounds,
     * each time the follower heard from the leader (etcd draws one per term; a fresh one per word is as random and
     * needs no term). Timer thread only.
     */
    static final class Deadline {
        private final long minMs;
        private final long maxMs;
        private final long lateNanos;
        private final LongUnaryOperator random;
        private Object heard;
        private long timeoutMs;
        private long lastTick;
        private boolean ticked;
        private boolean deferred;
        private long notBefore;

        /**
         * @param lateNanos a tick that comes this much after the one before was held up: the silence after it
         *                  counts only from there
         * @param random    a number from 0 to below its argument
         */
        Deadline(long minMs, long maxMs, long lateNanos, LongUnaryOperator random) {
            this.minMs = minMs;
            this.maxMs = maxMs;
            this.lateNanos = lateNanos;
            this.random = random;
        }

        /**
         * @param heardAt  what identifies the follower's last word from the leader (a new one each time)
         * @param silentMs how long ago that was
         * @param held     the follower must not campaign now (an append is in hand, or it stepped down lately)
         */
        boolean due(Object heardAt, long silentMs, boolean held, long nowNanos) {
            if (heardAt != heard) {
                heard = heardAt;
                timeoutMs = minMs + random.applyAsLong(maxMs - minMs + 1);
            }
            if (ticked && nowNanos - lastTick > lateNanos) {
                deferred = true;
                notBefore = nowNanos + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            }
            ticked = true;
            lastTick = nowNanos;
            if (deferred && nowNanos - notBefore < 0) {
                return false;
            }
            deferred = false;
            return !held && silentMs >= timeoutMs;
        }

        /** Not a follower: the next silence starts afresh. */
        void reset() {
            heard = null;
            ticked = false;
            deferred = false;
        }

        long timeoutMs() {
            return timeoutMs;
        }
    }
}
