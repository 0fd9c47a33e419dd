package dev.cairn.datastore.api;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Test;

/** What {@link Datastore#ready} and {@link Datastore#live} answer, on a store whose state a test sets. */
public class ServingProbesTest {
    private static final Duration DEADLINE = Duration.ofMillis(200);

    private volatile long leader = 1;
    private volatile List<Alarm> alarms = List.of();
    /** What a linearizable and a serializable read do. */
    private volatile CompletableFuture<RangeResult> linearizable = CompletableFuture.completedFuture(null);
    private volatile CompletableFuture<RangeResult> serializable = CompletableFuture.completedFuture(null);
    private final AtomicReference<RangeRequest> lastRead = new AtomicReference<>();

    private Datastore store() {
        InvocationHandler h = (proxy, method, args) -> {
            switch (method.getName()) {
                case "cluster":
                    return new ClusterState(1, 1, leader, 2, 10, 10, false, List.of());
                case "alarms":
                    return alarms;
                case "range":
                    RangeRequest r = (RangeRequest) args[0];
                    lastRead.set(r);
                    return r.serializable() ? serializable : linearizable;
                default:
                    if (method.isDefault()) {
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    throw new UnsupportedOperationException(method.getName());
            }
        };
        return (Datastore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Datastore.class}, h);
    }

    @Test
    public void readyWithALeaderAndALinearizableRead() {
        assertEquals(ProbeResult.OK, store().ready(DEADLINE).join());
        assertFalse(lastRead.get().serializable());
    }

    @Test
    public void notReadyWithoutALeaderAndTheReasonSaysQuorum() {
        leader = 0;
        ProbeResult r = store().ready(DEADLINE).join();
        assertFalse(r.ok());
        assertTrue(r.reason(), r.reason().startsWith("no leader") && r.reason().contains("quorum"));
    }

    @Test
    public void notReadyWhenTheLinearizableReadDoesNotAnswerInTime() {
        linearizable = new CompletableFuture<>();
        long start = System.nanoTime();
        ProbeResult r = store().ready(DEADLINE).join();
        assertFalse(r.ok());
        assertEquals("linearizable read failed: no answer within 200 ms", r.reason());
        assertTrue((System.nanoTime() - start) / 1_000_000 < 5_000);
    }

    @Test
    public void notReadyWhenTheReadFailsWithTheStoresMessage() {
        linearizable = CompletableFuture.failedFuture(StoreError.NO_LEADER.exception());
        assertEquals("linearizable read failed: " + StoreError.NO_LEADER.message(),
                store().ready(DEADLINE).join().reason());
    }

    @Test
    public void aCorruptMemberIsNotReadyButNospaceIsNoReason() {
        alarms = List.of(new Alarm(1, Alarm.Type.NOSPACE));
        assertTrue(store().ready(DEADLINE).join().ok());
        alarms = List.of(new Alarm(1, Alarm.Type.CORRUPT));
        assertTrue(store().ready(DEADLINE).join().reason().startsWith("alarm CORRUPT"));
    }

    @Test
    public void liveIsALocalReadAndIgnoresQuorum() {
        leader = 0;
        linearizable = new CompletableFuture<>();
        assertEquals(ProbeResult.OK, store().live(DEADLINE).join());
        assertTrue(lastRead.get().serializable());
        serializable = new CompletableFuture<>();
        ProbeResult wedged = store().live(DEADLINE).join();
        assertEquals("serializable read of the local store failed: no answer within 200 ms", wedged.reason());
    }
}
