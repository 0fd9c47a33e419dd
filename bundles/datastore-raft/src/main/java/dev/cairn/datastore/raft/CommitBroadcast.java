package dev.cairn.datastore.raft;

import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LogAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the followers soon after a commit that the leader's commit index moved, with a heartbeat (an append
 * without entries), as etcd's leader does. Ratis either appends a commit-index entry to the log after every
 * commit, which costs every member a log write and an fsync per commit (half of all entries under load), or lets
 * followers learn of a commit from the next heartbeat, up to {@code electionMin / 2} later; a follower replies to its
 * own client only once it has applied the write, so it would wait that long.
 *
 * <p>A heartbeat tells a follower the commit index only up to what it has acknowledged: one whose last append is
 * still on its way (the other follower's acknowledgement made the commit) gets its heartbeat once it has
 * acknowledged, found by looking again every millisecond while such a follower lags.
 *
 * <p>Ratis offers no public way to the leader's log appenders; they are reached by reflection
 * ({@link RatisInternals}). Should a Ratis upgrade move them, this logs it once and followers learn of commits from
 * heartbeats: slower, never wrong.
 */
final class CommitBroadcast implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommitBroadcast.class);
    private static final long RECHECK_MICROS = 1000;
    /** A follower that has not answered for this long is down or partitioned: no point looking every millisecond. */
    private static final long SILENT_MS = 1000;

    private final Supplier<Optional<RaftServer.Division>> leader;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cairn-raft-commit-broadcast");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Per follower, the commit index its last heartbeat from here was sent for (timer thread only). */
    private final Map<RaftPeerId, Long> told = new HashMap<>();
    private volatile boolean unavailable;
    private Method getLogAppenders;

    /** @param leader this member's division while it leads, else empty */
    CommitBroadcast(Supplier<Optional<RaftServer.Division>> leader) {
        this.leader = leader;
    }

    /** The leader applies committed entries: followers that do not know the commit yet are told soon. */
    void committed() {
        if (!unavailable && scheduled.compareAndSet(false, true)) {
            try {
                timer.execute(this::check);
            } catch (RejectedExecutionException e) {
                // closed with the state machine: there is no follower left to tell
            }
        }
    }

    private void check() {
        scheduled.set(false);
        Optional<RaftServer.Division> division = leader.get();
        if (division.isEmpty()) {
            told.clear();
            return;
        }
        long commit = division.get().getRaftLog().getLastCommittedIndex();
        boolean lagging = false;
        for (LogAppender appender : appenders(division.get())) {
            FollowerInfo follower = appender.getFollower();
            if (follower.getCommitIndex() >= commit) {
                continue;
            }
            if (follower.getMatchIndex() + 1 < follower.getNextIndex()) {
                // an append is on its way: tell it once it has acknowledged, unless it stopped answering
                lagging |= follower.getLastRpcResponseTime().elapsedTimeMs() < SILENT_MS;
            } else if (told.getOrDefault(follower.getId(), -1L) < commit) {
                told.put(follower.getId(), commit);
                appender.triggerHeartbeat();
            }
        }
        if (lagging && scheduled.compareAndSet(false, true)) {
            try {
                timer.schedule(this::check, RECHECK_MICROS, TimeUnit.MICROSECONDS);
            } catch (RejectedExecutionException e) {
                // closed meanwhile
            }
        }
    }

    private List<LogAppender> appenders(RaftServer.Division division) {
        try {
            Optional<?> state = RatisInternals.leaderState(RatisInternals.role(division));
            if (state.isEmpty()) {
                return List.of();
            }
            Object leaderState = state.get();
            if (getLogAppenders == null) {
                getLogAppenders = RatisInternals.method(leaderState.getClass(), "getLogAppenders");
            }
            return ((java.util.stream.Stream<?>) getLogAppenders.invoke(leaderState)).map(LogAppender.class::cast)
                    .collect(Collectors.toList());
        } catch (ReflectiveOperationException | RuntimeException e) {
            unavailable = true;
            LOG.warn("raft commit broadcast off: followers learn of commits from heartbeats cause=\"{}\"",
                    e.toString());
            return List.of();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
