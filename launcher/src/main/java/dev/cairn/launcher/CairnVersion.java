package dev.cairn.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this build, filtered into {@code version.properties} by Maven. */
final class CairnVersion {

    private static final String VERSION = load();

    private CairnVersion() {
    }

    static String version() {
        return VERSION;
    }

    /** What {@code cairn --version} prints. */
    static String describe() {
        return "cairn version " + VERSION + " (Java " + Runtime.version() + ", " + System.getProperty("os.name")
                + "/" + System.getProperty("os.arch") + ")";
    }

    private static String load() {
        try (InputStream in = CairnVersion.class.getResourceAsStream("version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
