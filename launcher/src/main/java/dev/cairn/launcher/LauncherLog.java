package dev.cairn.launcher;

import java.io.PrintStream;

/**
 * The launcher's own log lines, shaped like pax-logging's fallback log that the bundles write to the same stdout
 * ({@code <source> [<category>] LEVEL : message}), so the two interleave readably.
 */
final class LauncherLog {

    private static volatile boolean debug;

    private final String category;

    private LauncherLog(Class<?> type) {
        this.category = type.getName();
    }

    static LauncherLog of(Class<?> type) {
        return new LauncherLog(type);
    }

    static void setDebug(boolean enabled) {
        debug = enabled;
    }

    void debug(String message) {
        if (debug) {
            print(System.out, "DEBUG", message);
        }
    }

    void info(String message) {
        print(System.out, "INFO", message);
    }

    void warn(String message) {
        print(System.out, "WARN", message);
    }

    void error(String message) {
        print(System.out, "ERROR", message);
    }

    private void print(PrintStream out, String level, String message) {
        out.println("dev.cairn.launcher [" + category + "] " + level + " : " + message);
    }
}
