package dev.cairn.benchmarks;

import io.grpc.stub.StreamObserver;

/**
 * Sends request number {@code index} of a run through one client's stub. Indexes {@code >= 0} are measured;
 * negative indexes are warm-up requests, which a workload sends to keys of their own.
 */
@FunctionalInterface
interface RequestSender<T> {

    void send(long index, StreamObserver<T> done);
}
