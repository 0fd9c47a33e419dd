package dev.cairn.benchmarks;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Failed requests counted by error text, printed as etcd's "Error distribution". */
final class ErrorTally {

    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    void record(Throwable error) {
        record(describe(error));
    }

    void record(String text) {
        counts.computeIfAbsent(text, k -> new LongAdder()).increment();
    }

    long total() {
        long sum = 0;
        for (LongAdder count : counts.values()) {
            sum += count.sum();
        }
        return sum;
    }

    Map<String, Long> snapshot() {
        Map<String, Long> sorted = new TreeMap<>();
        counts.forEach((text, count) -> sorted.put(text, count.sum()));
        return sorted;
    }

    /** The error as grpc-go prints it, so the distribution reads like etcd's benchmark output. */
    static String describe(Throwable error) {
        if (error instanceof StatusRuntimeException e) {
            Status status = e.getStatus();
            return "rpc error: code = " + camel(status.getCode()) + " desc = " + status.getDescription();
        }
        return String.valueOf(error);
    }

    private static String camel(Status.Code code) {
        StringBuilder out = new StringBuilder();
        for (String part : code.name().split("_")) {
            out.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return out.toString();
    }
}
