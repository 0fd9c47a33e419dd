package dev.cairn.itests.e2e.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real kubectl, pointed at the admin kubeconfig a Cairn server writes into its data dir. */
public final class Kubectl {
    public static final Path BINARY = Path.of("/usr/bin/kubectl");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration READY = Duration.ofSeconds(30);

    private final ManagedServer server;

    public Kubectl(ManagedServer server) {
        this.server = server;
    }

    /** One finished command. */
    public record Result(int exitCode, String stdout, String stderr) {
        public Result requireSuccess(String what) {
            if (exitCode != 0) {
                throw new AssertionError(what + " failed (exit " + exitCode + ")\nstdout: " + stdout + "\nstderr: "
                        + stderr);
            }
            return this;
        }
    }

    public static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    public Path kubeconfig() {
        return server.dataDir().resolve("cairn.yaml");
    }

    public Result run(String... args) {
        return runWithInput(null, args);
    }

    public Result runWithInput(String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--kubeconfig", kubeconfig().toString()));
        command.addAll(List.of(args));
        return command(command, stdin);
    }

    /** Waits until the API answers kubectl (the etcd port opens first) with this server's node listed. */
    public void awaitApi() {
        Await.until("kubectl get nodes to answer on " + server.name(), READY,
                () -> Files.exists(kubeconfig()) && run("get", "nodes", "--no-headers").exitCode() == 0,
                server::logTail);
    }

    /** Runs any command with a timeout (stdin from {@code stdin}, or empty), capturing both outputs. */
    public static Result command(List<String> command, String stdin) {
        try {
            Path out = Files.createTempFile("kubectl", ".out");
            Path err = Files.createTempFile("kubectl", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile())
                        .redirectError(err.toFile());
                pb.environment().remove("KUBECONFIG");
                Process p = pb.start();
                if (stdin != null) {
                    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
                }
                p.getOutputStream().close();
                if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor();
                    throw new AssertionError("timed out after " + COMMAND_TIMEOUT + ": " + command);
                }
                return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
