package dev.cairn.benchmarks;

import static org.junit.Assert.assertEquals;

import io.grpc.Status;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.Test;

public class ClosedLoopTest {

    @Test
    public void sendsEachMeasuredIndexOnceAcrossClients() {
        ConcurrentHashMap<Long, Boolean> seen = new ConcurrentHashMap<>();
        ExecutorService server = Executors.newFixedThreadPool(2);
        try {
            RunResult run = new ClosedLoop<Object>(8, c -> (index, done) -> {
                if (seen.put(index, Boolean.TRUE) != null) {
                    throw new AssertionError("index sent twice: " + index);
                }
                server.execute(() -> {
                    done.onNext(index);
                    done.onCompleted();
                });
            }).run(100, 5000);
            assertEquals(5000, run.latencies().count());
            assertEquals(0, run.errors().total());
            assertEquals(5000, seen.keySet().stream().filter(i -> i >= 0).count());
            assertEquals(100, seen.keySet().stream().filter(i -> i < 0).count());
        } finally {
            server.shutdownNow();
        }
    }

    @Test
    public void failuresAnsweredOnTheCallingThreadNeitherRecurseNorStop() {
        // Every call fails before send returns, as gRPC does on a shut-down channel with a direct executor.
        RunResult run = new ClosedLoop<Object>(2, c -> (index, done) ->
                done.onError(Status.UNAVAILABLE.withDescription("down").asRuntimeException())).run(0, 200_000);
        assertEquals(0, run.latencies().count());
        assertEquals(200_000, run.errors().total());
        assertEquals("{rpc error: code = Unavailable desc = down=200000}", run.errors().snapshot().toString());
    }
}
