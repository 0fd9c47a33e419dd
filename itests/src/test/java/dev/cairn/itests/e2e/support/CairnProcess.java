package dev.cairn.itests.e2e.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The real distribution: {@code bin/cairn server} on its own loopback address (default ports, like a host of its
 * own) with a fresh data directory. Ready once the etcd port completes a TLS handshake with the client certificate
 * the server wrote into its data directory.
 */
public final class CairnProcess extends ManagedServer {

    public static final int CLIENT_PORT = 2379;
    public static final int METRICS_PORT = 2381;

    private final List<String> extraArgs;
    private final java.util.Map<String, String> environment = new java.util.HashMap<>();
    private int niceAdjustment;

    private CairnProcess(String name, String address, Path dataDir, boolean ownsDataDir, List<String> extraArgs) {
        super(name, address, dataDir, ownsDataDir);
        this.extraArgs = extraArgs;
    }

    /** A server with a fresh data directory that is deleted on {@link #close()}; not started yet. */
    public static CairnProcess create(String name, String address, String... extraArgs) {
        return new CairnProcess(name, address, WorkDirs.freshDir(name), true, List.of(extraArgs));
    }

    /** A server on a data directory the test owns (shared with another process, or deliberately broken). */
    public static CairnProcess onDataDir(String name, String address, Path dataDir, String... extraArgs) {
        return new CairnProcess(name, address, dataDir, false, List.of(extraArgs));
    }

    /** {@code distribution/target/cairn}, from the {@code cairn.dist.dir} system property set by the pom. */
    public static Path distributionDir() {
        Path dir = Paths.get(System.getProperty("cairn.dist.dir", "../distribution/target/cairn")).toAbsolutePath()
                .normalize();
        if (!Files.isExecutable(dir.resolve("bin/cairn"))) {
            throw new AssertionError("no runnable distribution at " + dir + " (bin/cairn missing): build it first with"
                    + " `mvn -o -q install -pl distribution`");
        }
        return dir;
    }

    /** Sets an environment variable for the next launches (e.g. {@code CAIRN_FAILPOINTS}). */
    public CairnProcess withEnvironment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /**
     * Runs the next launches under {@code nice -n adjustment} (negative: a higher CPU priority than the test's other
     * processes; check {@link Niceness#canAdjust} first, as lowering needs root).
     */
    public CairnProcess withNiceness(int adjustment) {
        niceAdjustment = adjustment;
        return this;
    }

    @Override
    protected java.util.Map<String, String> environment() {
        return environment;
    }

    @Override
    protected List<String> command() {
        List<String> command = new ArrayList<>();
        if (niceAdjustment != 0) {
            // nice execs bin/cairn, which execs java: the server keeps this process id and the adjusted priority
            command.addAll(List.of("nice", "-n", Integer.toString(niceAdjustment)));
        }
        command.addAll(List.of(distributionDir().resolve("bin/cairn").toString(), "server",
                "--data-dir", dataDir().toString(), "--node-name", name(), "--node-ip", address(),
                "--bind-address", address()));
        command.addAll(extraArgs);
        return command;
    }

    @Override
    protected boolean isReady() {
        return etcdPortServes(address(), dataDir());
    }

    /** The etcd port on {@code address} completes a TLS handshake with the client certificate of {@code dataDir}. */
    static boolean etcdPortServes(String address, Path dataDir) {
        ClientTls tls = ClientTls.inDataDir(dataDir);
        try {
            return tls.filesExist() && TlsProbe.connect(address, CLIENT_PORT, tls, Duration.ofSeconds(2)).outcome()
                    == TlsProbe.Outcome.ACCEPTED;
        } catch (IllegalStateException e) {
            return false; // the server is still writing its certificate files
        }
    }

    @Override
    public int clientPort() {
        return CLIENT_PORT;
    }

    @Override
    public Optional<ClientTls> tls() {
        return Optional.of(ClientTls.inDataDir(dataDir()));
    }

    @Override
    public String kind() {
        return "cairn";
    }
}
