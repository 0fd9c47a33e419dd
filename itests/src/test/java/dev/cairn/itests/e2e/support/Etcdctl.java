package dev.cairn.itests.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs {@code /usr/bin/etcdctl} (API v3) against one endpoint, with its TLS flags, a timeout, and stdout and stderr
 * captured separately (through files, so a chatty process never blocks on a full pipe).
 */
public final class Etcdctl {

    public static final String BINARY = "/usr/bin/etcdctl";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    private final String endpoint;
    private final Optional<ClientTls> tls;

    public Etcdctl(EtcdEndpoint server) {
        this(server.clientUrl(), server.tls());
    }

    public Etcdctl(String endpoint, Optional<ClientTls> tls) {
        this.endpoint = endpoint;
        this.tls = tls;
    }

    /** Every member of a cluster as {@code --endpoints}, with the TLS files of the first (the members share a CA). */
    public static Etcdctl forMembers(List<? extends EtcdEndpoint> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("no members to point etcdctl at");
        }
        return new Etcdctl(members.stream().map(EtcdEndpoint::clientUrl).collect(Collectors.joining(",")),
                members.get(0).tls());
    }

    /** The same endpoint with other TLS files (no client certificate, a foreign one). */
    public Etcdctl withTls(ClientTls other) {
        return new Etcdctl(endpoint, Optional.of(other));
    }

    /** The global flags of every run: the endpoint and, with TLS, {@code --cacert/--cert/--key}. */
    public List<String> connectionFlags() {
        List<String> flags = new ArrayList<>(List.of("--endpoints=" + endpoint));
        tls.ifPresent(t -> {
            flags.add("--cacert=" + t.ca());
            if (t.hasClientCertificate()) {
                flags.add("--cert=" + t.cert());
                flags.add("--key=" + t.key());
            }
        });
        return flags;
    }

    public EtcdctlResult run(String... args) {
        return run(null, DEFAULT_TIMEOUT, List.of(args));
    }

    public EtcdctlResult runWithInput(String stdin, String... args) {
        return run(stdin, DEFAULT_TIMEOUT, List.of(args));
    }

    /** Runs to completion; a run still going after {@code timeout} is killed and reported as timed out. */
    public EtcdctlResult run(String stdin, Duration timeout, List<String> args) {
        try (Running running = launch(stdin, args)) {
            boolean exited = running.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) {
                running.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            return running.result(!exited);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running etcdctl " + args, e);
        }
    }

    /** Starts a long-running command (watch, lock, elect) in the background. */
    public BackgroundEtcdctl start(String... args) {
        return new BackgroundEtcdctl(launch(null, List.of(args)));
    }

    Running launch(String stdin, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(BINARY);
        command.addAll(connectionFlags());
        command.addAll(args);
        Path work = WorkDirs.freshDir("etcdctl");
        Path out = work.resolve("stdout");
        Path err = work.resolve("stderr");
        Path in = work.resolve("stdin");
        try {
            Files.writeString(in, stdin == null ? "" : stdin, StandardCharsets.UTF_8);
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).redirectInput(in.toFile());
            Map<String, String> env = builder.environment();
            env.put("ETCDCTL_API", "3");
            env.keySet().removeIf(k -> k.startsWith("ETCDCTL_") && !k.equals("ETCDCTL_API"));
            return new Running(args, builder.start(), work);
        } catch (IOException e) {
            WorkDirs.delete(work);
            throw new UncheckedIOException("cannot run " + command, e);
        }
    }

    /** A started etcdctl process and the files holding its output. */
    static final class Running implements AutoCloseable {
        final List<String> args;
        final Process process;
        final Path work;

        Running(List<String> args, Process process, Path work) {
            this.args = args;
            this.process = process;
            this.work = work;
        }

        String stdout() {
            return read(work.resolve("stdout"));
        }

        String stderr() {
            return read(work.resolve("stderr"));
        }

        EtcdctlResult result(boolean timedOut) {
            return new EtcdctlResult(args, process.isAlive() ? -1 : process.exitValue(), stdout(), stderr(), timedOut);
        }

        private static String read(Path file) {
            try {
                return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            WorkDirs.delete(work);
        }
    }
}
