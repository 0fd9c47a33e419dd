package dev.cairn.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.cairn.itests.e2e.support.Await;
import dev.cairn.itests.e2e.support.History;
import dev.cairn.itests.e2e.support.HistoryRecorder;
import dev.cairn.itests.e2e.support.Linearizability;
import dev.cairn.itests.e2e.support.ManagedServer;
import dev.cairn.itests.e2e.support.Operation;
import dev.cairn.itests.e2e.support.ServerUnderTest;

import java.time.Duration;
import java.util.List;

import org.junit.After;
import org.junit.Test;

/**
 * One server, several clients doing puts and linearizable gets on a few keys at once: the recorded history must be
 * linearizable. The baseline for the cluster tests, and a check of the recorder and checker on a healthy server.
 */
public class SingleServerLinearizabilityIT {

    private static final String ADDRESS = "127.0.0.45";
    private static final int MIN_OPERATIONS = 200;
    private static final Duration RECORD_AT_LEAST = Duration.ofSeconds(5);
    private static final Duration RECORD_AT_MOST = Duration.ofSeconds(60);

    private ManagedServer server;

    @After
    public void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    public void concurrentPutsAndGetsAreLinearizable() {
        server = ServerUnderTest.start("linearizability-" + (ServerUnderTest.isCairn() ? "cairn" : "etcd"), ADDRESS);
        History history;
        try (HistoryRecorder recorder = HistoryRecorder.start(List.of(server), 6, 3, RECORD_AT_MOST)) {
            // five seconds of traffic, and on a slow or loaded machine (a fresh JVM on each side) as long as it takes
            // to record enough operations to mean something
            long begin = System.nanoTime();
            Await.until(MIN_OPERATIONS + " operations in at least " + RECORD_AT_LEAST.toSeconds() + " s",
                    RECORD_AT_MOST, () -> System.nanoTime() - begin >= RECORD_AT_LEAST.toNanos()
                            && recorder.recorded() >= MIN_OPERATIONS, recorder::summary);
            recorder.stop();
            history = recorder.awaitHistory();
            assertEquals("a healthy server fails no get: " + recorder.summary(), 0, recorder.failedGets());
        }
        assertEquals("a healthy server leaves no put unanswered: " + history.summary(), 0,
                history.count(Operation.Type.PUT, false));
        assertTrue("too few operations to mean anything: " + history.summary(), history.size() >= MIN_OPERATIONS);
        Linearizability.Result result = Linearizability.check(history);
        assertTrue(result + "\n" + server.logTail(), result.isLinearizable());
    }
}
