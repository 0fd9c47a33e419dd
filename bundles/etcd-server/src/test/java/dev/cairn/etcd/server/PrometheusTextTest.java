package dev.cairn.etcd.server;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.Map;
import org.junit.Test;

/** The test parser is strict: what it accepts, Prometheus reads the same way. */
public class PrometheusTextTest {
    private static final String HISTOGRAM = "# HELP h A histogram.\n# TYPE h histogram\n"
            + "h_bucket{le=\"0.1\"} 1\nh_bucket{le=\"1\"} 3\nh_bucket{le=\"+Inf\"} 3\nh_sum 1.5\nh_count 3\n";

    @Test
    public void aWellFormedExpositionParses() {
        Map<String, PrometheusText.Family> m = PrometheusText.parse(HISTOGRAM
                + "# TYPE g gauge\ng{a=\"x\\\"y\\\\z\\n\",b=\"\"} -1.5e-3\n");
        assertEquals(3, PrometheusText.bucket(m.get("h"), "1"), 0);
        assertEquals(-0.0015, m.get("g").sample("g", Map.of("a", "x\"y\\z\n", "b", "")).value(), 0);
        assertEquals("A histogram.", m.get("h").help());
    }

    @Test
    public void malformedExpositionsAreRejected() {
        for (String bad : new String[] {
            "g 1\n", // no TYPE
            "# TYPE g gauge\ng 1\n# TYPE f gauge\nf 1\ng{a=\"b\"} 2\n", // family split
            "# TYPE g gauge\n# TYPE g gauge\ng 1\n", // TYPE twice
            "# TYPE g gauge\ng 1\ng 2\n", // duplicate series
            "# TYPE g gauge\ng one\n", // not a number
            "# TYPE g gauge\ng{a=\"\\t\"} 1\n", // bad escape
            "# TYPE g gauge\ng{a=b} 1\n", // unquoted label
            "# TYPE g gauge\ng 1", // no final line feed
            HISTOGRAM.replace("h_bucket{le=\"1\"} 3", "h_bucket{le=\"1\"} 0"), // not cumulative
            HISTOGRAM.replace("h_count 3", "h_count 4"), // +Inf differs from count
            HISTOGRAM.replace("h_bucket{le=\"+Inf\"} 3\n", ""), // no +Inf
        }) {
            assertThrows(bad, AssertionError.class, () -> PrometheusText.parse(bad));
        }
    }
}
