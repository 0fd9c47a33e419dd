package dev.cairn.itests.osgi;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.util.Arrays;
import org.ops4j.pax.exam.Option;

/** The runtime bundles the build copied to {@code target/bundles}, provisioned by file URL. */
final class FelixBundles {
    private FelixBundles() {
    }

    /** What every Cairn-in-Felix test runs: the runtime bundles, JUnit, a clean cache, quiet logging. */
    static Option[] felix() {
        return options(runtime(), junitBundles(), cleanCaches(true),
                systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));
    }

    static Option runtime() {
        File dir = new File(System.getProperty("cairn.bundles.dir", "target/bundles"));
        File[] jars = dir.listFiles((d, n) -> n.endsWith(".jar"));
        if (jars == null || jars.length == 0) {
            throw new IllegalStateException("no bundles in " + dir.getAbsolutePath() + "; run the itests build");
        }
        Arrays.sort(jars);
        return composite(Arrays.stream(jars).map(j -> bundle(j.toURI().toString())).toArray(Option[]::new));
    }
}
