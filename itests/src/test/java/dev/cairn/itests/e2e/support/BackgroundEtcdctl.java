package dev.cairn.itests.e2e.support;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An etcdctl command running in the background (watch, lock holder, election candidate): its output can be read
 * while it runs, conditions on it awaited with a bound, and it is stopped like a user would stop it (SIGTERM,
 * i.e. Ctrl-C's cousin) and killed if it does not go.
 */
public final class BackgroundEtcdctl implements AutoCloseable {

    private final Etcdctl.Running running;

    BackgroundEtcdctl(Etcdctl.Running running) {
        this.running = running;
    }

    public String stdout() {
        return running.stdout();
    }

    public boolean isAlive() {
        return running.process.isAlive();
    }

    /** True once stdout satisfies the condition, false if it still does not after the timeout. */
    public boolean awaitStdout(Duration timeout, Predicate<String> condition) {
        return Await.within(timeout, () -> condition.test(stdout()));
    }

    /** True once stdout has at least {@code lines} lines. */
    public boolean awaitLines(Duration timeout, int lines) {
        return awaitStdout(timeout, out -> out.lines().count() >= lines);
    }

    /** Waits for the command to end by itself; a command still running after the timeout is killed. */
    public EtcdctlResult awaitExit(Duration timeout) {
        try {
            boolean exited = running.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) {
                running.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            return running.result(!exited);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** SIGTERM, then up to 5 s to finish; what it printed until then. */
    public EtcdctlResult stop() {
        running.process.destroy();
        return awaitExit(Duration.ofSeconds(5));
    }

    @Override
    public void close() {
        running.close();
    }
}
