package dev.cairn.launcher;

/** Runs a server with validated settings and returns the process exit status; tests substitute a fake. */
@FunctionalInterface
interface ServerRunner {
    int run(ServerSettings settings) throws SettingsException, StartupException;
}
