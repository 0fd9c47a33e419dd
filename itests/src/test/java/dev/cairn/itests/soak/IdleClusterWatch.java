package dev.cairn.itests.soak;

import dev.cairn.itests.e2e.support.Await;
import dev.cairn.itests.e2e.support.CairnCluster;
import dev.cairn.itests.e2e.support.CairnProcess;
import dev.cairn.itests.e2e.support.Niceness;
import dev.cairn.itests.e2e.support.WorkDirs;
import io.etcd.jetcd.maintenance.StatusResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * The idle three-server cluster of {@link IdleClusterIT} (nodes {@code idle-s1..3} on 127.0.0.56–58, default
 * election settings, Kubernetes-style API on) and a prober that asks each server for its status every two seconds.
 * The watch begins once the cluster has a leader, with that leader and its term; it ends at the first status that
 * names another leader or another term (recorded with the cluster's state), at the first status call that fails, or
 * when {@link #stop()} is called. Every round of probes is logged to {@code target/e2e-logs/idle-watch.log}.
 *
 * <p>Shared: {@link IdleClusterListener} starts one at the beginning of the integration-test run, so that its ten
 * minutes pass while the other tests run, with the servers under {@code nice -n -10} so that the loaded machine does
 * not starve them (a fair test of Cairn at its default settings, not of the machine's scheduler).
 * {@link IdleClusterIT}, ordered last, takes it over, waits for whatever is left of the ten minutes and checks the
 * record. Alone: without the right to raise priority, the test starts one itself and waits the whole watch.
 */
final class IdleClusterWatch implements AutoCloseable {

    /** The nice adjustment of a shared watch's servers: a higher CPU priority than every other test process. */
    static final int NICE = -10;
    static final long PROBE_MS = 2_000;
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(10);
    /** Starting three servers one after the other, each joining, and electing a leader. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);

    private static IdleClusterWatch shared;

    private final CairnCluster cluster;
    private final int niceAdjustment;
    private final Path log = WorkDirs.logFile("idle-watch");
    private final Thread thread;
    private volatile boolean stopping;
    /** When the watch began (the leader known), as System.nanoTime(); 0 until then. */
    private volatile long beganNanos;
    private volatile long leaderId;
    private volatile long term;
    private volatile long rounds;
    private volatile long slowestRoundMs;
    /** Why the watch ended early: a start failure, a failed probe, or a leader or term change. */
    private volatile String failure;

    private IdleClusterWatch(int niceAdjustment) {
        this.niceAdjustment = niceAdjustment;
        this.cluster = new CairnCluster("idle-", 56, 3).withNiceness(niceAdjustment);
        this.thread = new Thread(this::run, "idle-cluster-watch");
        this.thread.setDaemon(true);
        try {
            Files.deleteIfExists(log); // one watch per run
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the shared watch in the background (once), with its servers' priority raised; false, starting nothing,
     * when this process may not raise priority.
     */
    static synchronized boolean startShared() {
        if (shared != null) {
            return true;
        }
        if (!Niceness.canAdjust(NICE)) {
            return false;
        }
        shared = new IdleClusterWatch(NICE);
        shared.thread.start();
        return true;
    }

    /** The shared watch, handed over to the caller (who closes it); empty when none was started. */
    static synchronized Optional<IdleClusterWatch> takeShared() {
        Optional<IdleClusterWatch> watch = Optional.ofNullable(shared);
        shared = null;
        return watch;
    }

    /** Closes the shared watch if nobody took it (the run ended without {@link IdleClusterIT}). */
    static void closeShared() {
        takeShared().ifPresent(IdleClusterWatch::close);
    }

    /** A watch of its own, at the test's own priority, started now. */
    static IdleClusterWatch startAlone() {
        IdleClusterWatch watch = new IdleClusterWatch(0);
        watch.thread.start();
        return watch;
    }

    CairnCluster cluster() {
        return cluster;
    }

    /** Whether the servers ran with a raised priority (checked on each server process once started). */
    boolean prioritized() {
        return niceAdjustment < 0;
    }

    long leaderId() {
        return leaderId;
    }

    long term() {
        return term;
    }

    long rounds() {
        return rounds;
    }

    long slowestRoundMs() {
        return slowestRoundMs;
    }

    /** How long the watch has run so far (zero before it began). */
    Duration watched() {
        long began = beganNanos;
        return began == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - began);
    }

    /** Why the watch ended early, if it did. */
    Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Waits until the watch has run for {@code period} or has ended early, then stops probing; a watch that has
     * already run that long returns at once.
     */
    void awaitWatched(Duration period) {
        Await.until("the idle watch to cover " + period, START_TIMEOUT.plus(period).plus(STATUS_TIMEOUT.multipliedBy(3)),
                () -> failure != null || watched().compareTo(period) >= 0, () -> "watch log: " + log);
        stop();
    }

    /** Stops the prober and waits for it to finish its round. */
    void stop() {
        stopping = true;
        thread.interrupt();
        try {
            thread.join(STATUS_TIMEOUT.multipliedBy(4).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while stopping the idle watch", e);
        }
        if (thread.isAlive()) {
            throw new AssertionError("the idle watch's prober did not stop");
        }
    }

    private void run() {
        try {
            note("starting the idle cluster" + (niceAdjustment == 0 ? "" : " under nice -n " + niceAdjustment));
            cluster.start();
            checkPriority();
            int leader = cluster.awaitLeader(Duration.ofSeconds(30));
            StatusResponse first = status(leader);
            leaderId = first.getLeader();
            term = first.getRaftTerm();
            beganNanos = System.nanoTime();
            note("watch began: leader " + cluster.nodeName(leader) + " (" + Long.toHexString(leaderId) + ") term "
                    + term);
            while (!stopping) {
                long roundStart = System.nanoTime();
                StringBuilder line = new StringBuilder("round ").append(rounds + 1).append(':');
                for (int i = 1; i <= 3; i++) {
                    StatusResponse s = status(i);
                    line.append(' ').append(cluster.nodeName(i)).append(" leader=")
                            .append(Long.toHexString(s.getLeader())).append(" term=").append(s.getRaftTerm());
                    if (s.getLeader() != leaderId || s.getRaftTerm() != term) {
                        fail("after " + rounds + " rounds of probes (" + watched().toSeconds() + " s) "
                                + cluster.nodeName(i) + " reports leader " + Long.toHexString(s.getLeader()) + " term "
                                + s.getRaftTerm() + "; at the start leader " + Long.toHexString(leaderId) + " term "
                                + term + "\n" + cluster.describe());
                        return;
                    }
                }
                long roundMs = (System.nanoTime() - roundStart) / 1_000_000;
                slowestRoundMs = Math.max(slowestRoundMs, roundMs);
                rounds++;
                note(line.append(" (").append(roundMs).append(" ms)").toString());
                // pacing of the watch (a round every two seconds for the whole period), not a wait for a condition
                Thread.sleep(PROBE_MS);
            }
        } catch (InterruptedException e) {
            if (!stopping) {
                fail("the idle watch was interrupted");
            }
        } catch (Exception | AssertionError e) {
            if (!stopping) {
                fail("the idle watch failed after " + rounds + " rounds of probes (" + watched().toSeconds()
                        + " s): " + e + "\n" + (beganNanos == 0 ? "" : cluster.describe()));
            }
        } finally {
            note("watch ended after " + rounds + " rounds (" + watched().toSeconds() + " s), slowest round "
                    + slowestRoundMs + " ms" + (failure == null ? "" : ": " + failure.lines().findFirst().orElse("")));
        }
    }

    /** Every server runs at the priority asked for; the test is not what it claims otherwise. */
    private void checkPriority() {
        int expected = Niceness.adjusted(niceAdjustment);
        for (CairnProcess server : cluster.servers()) {
            long pid = server.pid().orElseThrow(() -> new AssertionError(server.name() + " is not running"));
            OptionalInt nice = Niceness.of(pid);
            if (nice.isEmpty() || nice.getAsInt() != expected) {
                throw new AssertionError(server.name() + " (pid " + pid + ") runs at nice " + nice + ", not "
                        + expected);
            }
        }
        note("every server runs at nice " + expected + " (this JVM: " + Niceness.own() + ")");
    }

    private StatusResponse status(int i) throws Exception {
        return cluster.client(i).getMaintenanceClient().statusMember(cluster.server(i).clientUrl())
                .get(STATUS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void fail(String why) {
        if (failure == null) {
            failure = why;
        }
    }

    /** A line in the watch's log (for reading after a run; a line that cannot be written is left out). */
    private void note(String line) {
        try {
            Files.writeString(log, LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " " + line + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("idle watch: cannot write " + log + ": " + e);
        }
    }

    /** Stops probing and closes the cluster (its servers stopped, their data deleted). */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            cluster.close();
        }
    }
}
