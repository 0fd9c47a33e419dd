package dev.cairn.launcher;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;

/**
 * Sets the level of pax-logging-api's log (the one the bundles' slf4j calls end up in) around its own start and
 * stop. pax-logging reads its level once, at start, and announces every logging API it bridges at INFO (16 lines
 * of noise per run): it starts at WARN, is raised to the wanted level once started, and lowered to WARN again
 * just before it stops. java.util.logging (gRPC's log), which pax-logging bridges, stays at WARNING.
 */
final class PaxLogLevel implements SynchronousBundleListener {

    static final String BUNDLE = "org.ops4j.pax.logging.pax-logging-api";
    static final String QUIET = "WARN";
    private static final String LOG_CLASS = "org.ops4j.pax.logging.spi.support.DefaultServiceLog";
    private static final LauncherLog LOG = LauncherLog.of(PaxLogLevel.class);

    private final String level;
    private final Level javaLoggingLevel;

    /** @param debug DEBUG instead of INFO, and java.util.logging at INFO instead of WARNING */
    PaxLogLevel(boolean debug) {
        this.level = debug ? "DEBUG" : "INFO";
        this.javaLoggingLevel = debug ? Level.INFO : Level.WARNING;
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle bundle = event.getBundle();
        if (!BUNDLE.equals(bundle.getSymbolicName())) {
            return;
        }
        if (event.getType() == BundleEvent.STARTED) {
            set(bundle, level);
            Logger.getLogger("").setLevel(javaLoggingLevel); // pax-logging reset java.util.logging on start
        } else if (event.getType() == BundleEvent.STOPPING) {
            set(bundle, QUIET);
        }
    }

    private static void set(Bundle bundle, String level) {
        try {
            bundle.loadClass(LOG_CLASS).getMethod("setLogLevel", String.class).invoke(null, level);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("cannot set the level of pax-logging to " + level + " (" + e + "); bundles log at "
                    + QUIET + " and above only");
        }
    }
}
