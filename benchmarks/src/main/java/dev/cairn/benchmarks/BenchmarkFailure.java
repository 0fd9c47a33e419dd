package dev.cairn.benchmarks;

/** A run that could not produce figures (endpoint unreachable, stalled server); the message says why. */
final class BenchmarkFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    BenchmarkFailure(String message, Throwable cause) {
        super(message, cause);
    }

    BenchmarkFailure(String message) {
        super(message);
    }
}
