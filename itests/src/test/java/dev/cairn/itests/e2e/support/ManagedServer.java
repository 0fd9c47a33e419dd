package dev.cairn.itests.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A server process owned by a test: started on its own loopback address with its own data directory, output
 * captured in a log file under {@code target/e2e-logs}, stopped with SIGTERM or killed with SIGKILL. Every process
 * still alive when the JVM exits is killed, so a failed or aborted test leaves nothing running.
 */
public abstract class ManagedServer implements EtcdEndpoint, AutoCloseable {

    private static final Set<ProcessHandle> LIVE = ConcurrentHashMap.newKeySet();
    private static final int TAIL_LINES = 60;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(ManagedServer::killTree),
                "e2e-process-reaper"));
    }

    private final String name;
    private final String address;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final Path log;
    private Process process;
    private int launches;

    /** How a SIGTERM ended: the exit code, how long it took, and whether it ended within the grace period. */
    public record Stop(int exitCode, Duration elapsed, boolean withinGrace) {
    }

    /** A launch that was expected to end by itself: its exit code and everything it printed. */
    public record Exit(int exitCode, String output) {
    }

    protected ManagedServer(String name, String address, Path dataDir, boolean ownsDataDir) {
        this.name = name;
        this.address = address;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        this.log = WorkDirs.logFile(name);
        try {
            Files.deleteIfExists(log); // one log per test run; names are unique per run
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The full command line of one launch. */
    protected abstract List<String> command();

    /** Extra environment variables of the process (none by default). */
    protected java.util.Map<String, String> environment() {
        return java.util.Map.of();
    }

    /** Whether the running process serves clients yet (probed only while it is alive). */
    protected abstract boolean isReady();

    protected Duration startTimeout() {
        return Duration.ofSeconds(60);
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public String name() {
        return name;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Launches the server and waits until it serves; fails with the log tail if it exits or never gets ready. */
    public synchronized void start() {
        Process p = launch();
        long begin = System.nanoTime();
        Await.until(kind() + " " + name + " on " + address + " to serve", startTimeout(), () -> {
            if (!p.isAlive()) {
                throw new AssertionError(kind() + " " + name + " exited with code " + p.exitValue()
                        + " before it was ready\n" + logTail());
            }
            return isReady();
        }, this::logTail);
        appendToLog("started in " + (System.nanoTime() - begin) / 1_000_000 + " ms");
    }

    /** Starts again on the same address and data directory (after {@link #stop} or {@link #kill}). */
    public void restart() {
        if (isRunning()) {
            throw new IllegalStateException(name + " is still running");
        }
        start();
    }

    /** Launches a process that is expected to end by itself (a refused start) and returns how it ended. */
    public synchronized Exit runUntilExit(Duration timeout) {
        Process p = launch();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(p.toHandle());
                throw new AssertionError(kind() + " " + name + " was expected to exit but still ran after "
                        + timeout.toSeconds() + " s\n" + logTail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            LIVE.remove(p.toHandle());
        }
        return new Exit(p.exitValue(), outputOfLastLaunch());
    }

    private Process launch() {
        if (isRunning()) {
            throw new IllegalStateException(name + " is already running");
        }
        List<String> command = command();
        appendToLog("===== launch " + ++launches + ": " + String.join(" ", command));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment());
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        }
        LIVE.add(process.toHandle());
        return process;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The process id of the latest launch, if it is still running. */
    public OptionalLong pid() {
        Process p = process;
        return p != null && p.isAlive() ? OptionalLong.of(p.pid()) : OptionalLong.empty();
    }

    /** SIGTERM, then waits up to {@code grace}; a process still running after that is killed with SIGKILL. */
    public synchronized Stop stop(Duration grace) {
        if (!isRunning()) {
            throw new IllegalStateException(name + " is not running");
        }
        List<ProcessHandle> tree = treeOf(process.toHandle());
        long begin = System.nanoTime();
        process.destroy(); // SIGTERM to the launched process, like `kill <pid>`
        boolean exited = waitForExit(grace);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - begin);
        // children that outlive their parent (a launcher script that did not exec) are part of the failure
        boolean treeGone = Await.within(exited ? Duration.ofSeconds(1) : Duration.ZERO,
                () -> tree.stream().noneMatch(ProcessHandle::isAlive));
        if (!exited || !treeGone) {
            tree.forEach(ProcessHandle::destroyForcibly);
            waitForExit(Duration.ofSeconds(10));
        }
        LIVE.remove(process.toHandle());
        appendToLog("===== SIGTERM: exit " + process.exitValue() + " after " + elapsed.toMillis() + " ms"
                + (exited && treeGone ? "" : " (killed with SIGKILL after the grace period)"));
        return new Stop(process.exitValue(), elapsed, exited && treeGone);
    }

    /** SIGKILL to the process and everything it started, like a power cut for this server. */
    public synchronized void kill() {
        if (!isRunning()) {
            throw new IllegalStateException(name + " is not running");
        }
        killTree(process.toHandle());
        if (!waitForExit(Duration.ofSeconds(10))) {
            throw new AssertionError(name + " survived SIGKILL");
        }
        LIVE.remove(process.toHandle());
        appendToLog("===== SIGKILL");
    }

    private boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static List<ProcessHandle> treeOf(ProcessHandle root) {
        List<ProcessHandle> tree = root.descendants().collect(Collectors.toList());
        tree.add(0, root);
        return tree;
    }

    private static void killTree(ProcessHandle root) {
        // collect the children first: once the parent is dead they are no longer its descendants
        treeOf(root).forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public String logTail() {
        List<String> lines = readLog();
        return "--- last lines of " + log + " ---\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    }

    /** Everything the server printed since its latest launch. */
    public String outputOfLastLaunch() {
        List<String> lines = readLog();
        int from = 0;
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith("===== launch ")) {
                from = i + 1;
                break;
            }
        }
        return String.join("\n", lines.subList(from, lines.size()));
    }

    private List<String> readLog() {
        try {
            return Files.exists(log) ? List.of(new String(Files.readAllBytes(log), StandardCharsets.UTF_8).split("\n"))
                    : List.of();
        } catch (IOException e) {
            return List.of("(cannot read " + log + ": " + e + ")");
        }
    }

    private void appendToLog(String line) {
        try {
            Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server if it still runs (SIGTERM, SIGKILL after 10 s) and deletes its data directory. */
    @Override
    public synchronized void close() {
        try {
            if (isRunning()) {
                stop(Duration.ofSeconds(10));
            }
        } finally {
            if (ownsDataDir && !Boolean.getBoolean("cairn.e2e.keepData")) {
                WorkDirs.delete(dataDir);
            }
        }
    }
}
