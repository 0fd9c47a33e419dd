package dev.cairn.etcd.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Runs Debian's etcdctl 3.4 (v3 API) against a test server, with the test client certificate. */
final class Etcdctl {
    static final String BINARY = "/usr/bin/etcdctl";
    private static final long TIMEOUT_SECONDS = 30;

    private final String endpoint;
    private final TestTls tls;

    Etcdctl(String endpoint, TestTls tls) {
        this.endpoint = endpoint;
        this.tls = tls;
    }

    record Result(int exitCode, String out, String err) {
        Result ok() {
            if (exitCode != 0) {
                throw new AssertionError("etcdctl failed (" + exitCode + "): " + err + out);
            }
            return this;
        }
    }

    Result run(String... args) throws Exception {
        return runWithInput(null, args);
    }

    /** Runs with {@code input} on stdin (for {@code txn}), returning exit code, stdout and stderr. */
    Result runWithInput(String input, String... args) throws Exception {
        Path out = Files.createTempFile("etcdctl", ".out");
        Path err = Files.createTempFile("etcdctl", ".err");
        try {
            ProcessBuilder pb = builder(args).redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            try (OutputStream stdin = p.getOutputStream()) {
                if (input != null) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("etcdctl " + String.join(" ", args) + " did not finish in "
                        + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** A long-running etcdctl (watch, lock, elect) whose output lines can be awaited. */
    Running start(String... args) throws IOException {
        return new Running(builder(args).redirectErrorStream(true).start());
    }

    private ProcessBuilder builder(String... args) {
        List<String> command = new ArrayList<>(List.of(BINARY, "--endpoints=" + endpoint,
                "--cacert=" + tls.ca, "--cert=" + tls.clientCert, "--key=" + tls.clientKey,
                "--dial-timeout=5s", "--command-timeout=20s"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("ETCDCTL_API", "3");
        return pb;
    }

    static final class Running implements AutoCloseable {
        final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> seen = new ArrayList<>();

        Running(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "etcdctl-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits for an output line equal to {@code expected}; fails with everything seen after a timeout. */
        void awaitLine(String expected) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
                if (line == null) {
                    throw new AssertionError("etcdctl never printed '" + expected + "'; printed " + seen);
                }
                seen.add(line);
                if (line.equals(expected)) {
                    return;
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
