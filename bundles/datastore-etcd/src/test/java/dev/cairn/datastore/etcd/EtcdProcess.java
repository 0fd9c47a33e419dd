package dev.cairn.datastore.etcd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd (Debian's {@code etcd}, or {@code -Detcd.binary}) on one of the test addresses 127.0.0.90-99, with
 * its data in its own directory; {@link #start()} returns once its client port accepts connections, and
 * {@link #stop()} ends it (SIGTERM, then SIGKILL).
 */
public final class EtcdProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /** Every host:port {@link #freePort} has handed out. */
    private static final Set<String> HANDED_OUT = new HashSet<>();

    private final String host;
    private final Path dir;
    private final List<String> extraArgs;
    private final int clientPort;
    private final int peerPort;
    private final String scheme;
    private Process process;

    /**
     * @param host      one of 127.0.0.90-99
     * @param dir       a fresh directory: etcd's data and its log go there
     * @param tls       serve the client port with TLS ({@code extraArgs} then name the certificate files)
     * @param extraArgs further etcd flags
     */
    public EtcdProcess(String host, Path dir, boolean tls, List<String> extraArgs) throws IOException {
        this.host = host;
        this.dir = dir;
        this.extraArgs = List.copyOf(extraArgs);
        this.clientPort = freePort(host);
        this.peerPort = freePort(host);
        this.scheme = tls ? "https" : "http";
    }

    public String clientUrl() {
        return scheme + "://" + host + ":" + clientPort;
    }

    public Path dataDir() {
        return dir.resolve("data");
    }

    public Path log() {
        return dir.resolve("etcd.log");
    }

    public void start() throws IOException, InterruptedException {
        String peerUrl = "http://" + host + ":" + peerPort;
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("etcd.binary", "etcd"),
                "--name", "tck", "--data-dir", dataDir().toString(),
                "--listen-client-urls", clientUrl(), "--advertise-client-urls", clientUrl(),
                "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "tck=" + peerUrl,
                "--log-level", "warn", "--logger", "zap"));
        cmd.addAll(extraArgs);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        long pause = 5;
        while (!accepts()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("etcd exited with " + process.exitValue() + " before its port opened;"
                        + " log: " + tail());
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new IllegalStateException("etcd's client port " + clientUrl() + " did not open within "
                        + START_TIMEOUT + "; log: " + tail());
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 100);
        }
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, clientPort), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    public String tail() {
        try {
            String all = Files.readString(log());
            return all.length() > 3000 ? all.substring(all.length() - 3000) : all;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * A port free on {@code host} now and never handed out before in this JVM: the test addresses are this suite's
     * alone, so it stays free until the etcd binds it, even when another etcd picks its ports meanwhile (the kernel
     * may give a port just released by such a probe to the next one).
     */
    private static int freePort(String host) throws IOException {
        synchronized (HANDED_OUT) {
            while (true) {
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
                    if (HANDED_OUT.add(host + ":" + s.getLocalPort())) {
                        return s.getLocalPort();
                    }
                }
            }
        }
    }

    /** The version of the etcd binary, e.g. 3.4.23. */
    public static String binaryVersion() {
        try {
            Process p = new ProcessBuilder(System.getProperty("etcd.binary", "etcd"), "--version")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(10, TimeUnit.SECONDS);
            for (String line : out.split("\n")) {
                if (line.startsWith("etcd Version:")) {
                    return line.substring("etcd Version:".length()).trim();
                }
            }
            return "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
