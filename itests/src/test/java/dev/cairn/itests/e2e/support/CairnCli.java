package dev.cairn.itests.e2e.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A one-shot {@code bin/cairn} command of the distribution (not a server): its exit code and output. */
public final class CairnCli {

    /** The exit code and the interleaved standard output and error. */
    public record Result(int exitCode, String output) {
    }

    private CairnCli() {
    }

    public static Result run(Duration timeout, String... args) {
        List<String> command = new ArrayList<>();
        command.add(CairnProcess.distributionDir().resolve("bin/cairn").toString());
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output;
            try (InputStream in = p.getInputStream()) {
                output = in.readAllBytes(); // ends when the process closes its output, i.e. exits
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " still ran after " + timeout.toSeconds() + " s");
            }
            return new Result(p.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }
}
