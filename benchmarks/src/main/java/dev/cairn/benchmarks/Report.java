package dev.cairn.benchmarks;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Prints a run the way etcd's {@code tools/benchmark} does (summary, response-time histogram, latency
 * distribution, error distribution), followed by one machine-readable line:
 * {@code RESULT op=put clients=64 conns=8 total=20000 ok=20000 errors=0 secs=... rps=... avg_ms=... p50_ms=...}.
 */
final class Report {

    private static final double[] PERCENTILES = {10, 25, 50, 75, 90, 95, 99, 99.9};
    private static final int HISTOGRAM_BUCKETS = 10;
    private static final int BAR_WIDTH = 40;

    private final PrintStream out;

    Report(PrintStream out) {
        this.out = out;
    }

    /**
     * @param op      the operation named in the RESULT line (put, range, txn-put, watch-event, fill, ...)
     * @param extra   further {@code key=value} fields for the RESULT line, or ""
     */
    void print(String title, String op, int clients, int conns, RunResult run, String extra) {
        LatencyStats lat = run.latencies();
        out.println();
        out.println(title);
        out.println("Summary:");
        out.printf(Locale.ROOT, "  Total:\t%.4f secs.%n", run.seconds());
        out.printf(Locale.ROOT, "  Slowest:\t%.4f secs.%n", secs(lat.maxNanos()));
        out.printf(Locale.ROOT, "  Fastest:\t%.4f secs.%n", secs(lat.minNanos()));
        out.printf(Locale.ROOT, "  Average:\t%.4f secs.%n", lat.meanNanos() / 1e9);
        out.printf(Locale.ROOT, "  Stddev:\t%.4f secs.%n", lat.stddevNanos() / 1e9);
        out.printf(Locale.ROOT, "  Requests/sec:\t%.4f%n", run.requestsPerSecond());
        if (lat.count() > 0) {
            printHistogram(lat);
            out.println();
            out.println("Latency distribution:");
            for (double p : PERCENTILES) {
                out.printf(Locale.ROOT, "  %s%% in %.4f secs.%n", percentLabel(p), secs(lat.percentileNanos(p)));
            }
        }
        Map<String, Long> errors = run.errors().snapshot();
        if (!errors.isEmpty()) {
            out.println();
            out.println("Error distribution:");
            errors.forEach((text, count) -> out.printf(Locale.ROOT, "  [%d]\t%s%n", count, text));
        }
        out.println();
        out.println(resultLine(op, clients, conns, run, extra));
        out.flush();
    }

    static String resultLine(String op, int clients, int conns, RunResult run, String extra) {
        LatencyStats lat = run.latencies();
        return String.format(Locale.ROOT,
                "RESULT op=%s clients=%d conns=%d ok=%d errors=%d secs=%.3f rps=%.1f avg_ms=%.3f stddev_ms=%.3f "
                        + "min_ms=%.3f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f%s",
                op, clients, conns, lat.count(), run.errors().total(), run.seconds(), run.requestsPerSecond(),
                lat.meanNanos() / 1e6, lat.stddevNanos() / 1e6, ms(lat.minNanos()), ms(lat.percentileNanos(50)),
                ms(lat.percentileNanos(90)), ms(lat.percentileNanos(99)), ms(lat.percentileNanos(99.9)),
                ms(lat.maxNanos()), extra.isEmpty() ? "" : " " + extra);
    }

    /** etcd's ten equal-width buckets between the fastest and the slowest request. */
    private void printHistogram(LatencyStats lat) {
        long fastest = lat.minNanos();
        long slowest = lat.maxNanos();
        long[] bounds = new long[HISTOGRAM_BUCKETS + 1];
        long[] counts = new long[HISTOGRAM_BUCKETS + 1];
        double width = (slowest - fastest) / (double) HISTOGRAM_BUCKETS;
        long below = 0;
        long biggest = 0;
        for (int i = 0; i <= HISTOGRAM_BUCKETS; i++) {
            bounds[i] = i == HISTOGRAM_BUCKETS ? slowest : fastest + (long) (width * i);
            long atOrBelow = i == HISTOGRAM_BUCKETS ? lat.count() : lat.countAtOrBelow(bounds[i]);
            counts[i] = Math.max(0, atOrBelow - below);
            below = Math.max(below, atOrBelow);
            biggest = Math.max(biggest, counts[i]);
        }
        out.println();
        out.println("Response time histogram:");
        for (int i = 0; i <= HISTOGRAM_BUCKETS; i++) {
            int bar = biggest == 0 ? 0 : (int) (counts[i] * BAR_WIDTH / biggest);
            out.printf(Locale.ROOT, "  %.4f [%d]\t|%s%n", secs(bounds[i]), counts[i], "∎".repeat(bar));
        }
    }

    private static String percentLabel(double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }

    private static double secs(long nanos) {
        return nanos / 1e9;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
