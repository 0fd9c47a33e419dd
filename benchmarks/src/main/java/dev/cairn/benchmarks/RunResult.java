package dev.cairn.benchmarks;

/** What one measured phase produced: merged latencies of the successful requests, errors and wall time. */
record RunResult(LatencyStats latencies, ErrorTally errors, long elapsedNanos) {

    double seconds() {
        return elapsedNanos / 1e9;
    }

    /** Successful requests per second, as etcd's report computes it. */
    double requestsPerSecond() {
        return elapsedNanos == 0 ? 0 : latencies.count() / seconds();
    }
}
