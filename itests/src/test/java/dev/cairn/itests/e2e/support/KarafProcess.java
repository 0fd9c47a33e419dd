package dev.cairn.itests.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real Apache Karaf (the build unpacks {@code apache-karaf-minimal} into {@code cairn.karaf.dir}), copied into a
 * fresh directory and started with {@code bin/karaf server}, that boots the features given to it from its
 * {@code etc/org.apache.karaf.features.cfg} (as {@code feature:repo-add} and {@code feature:install} would) and
 * configures Cairn through {@code etc/cairn.server.cfg}. Maven artifacts come from the build's local repository only.
 * Ready once Cairn's etcd port completes a TLS handshake.
 */
public final class KarafProcess extends ManagedServer {
    private final Path home;

    private KarafProcess(String name, String address, Path home) {
        super(name, address, home.resolve("cairn-data"), false);
        this.home = home;
    }

    /**
     * @param featuresRepository the features repository URL to add, e.g. {@code mvn:g/a/v/xml/features}
     * @param feature            the feature to install at boot
     * @param cairnConfig        the {@code cairn.server} configuration ({@code data.dir} is set to a dir of the copy)
     */
    public static KarafProcess create(String name, String address, String featuresRepository, String feature,
            Map<String, String> cairnConfig) {
        Path source = Paths.get(System.getProperty("cairn.karaf.dir", "target/karaf")).toAbsolutePath();
        if (!Files.isRegularFile(source.resolve("bin/karaf"))) {
            throw new AssertionError("no Karaf at " + source + "; the itests build unpacks it (unpack-karaf)");
        }
        Path home = WorkDirs.freshDir(name);
        try {
            WorkDirs.copyTree(source, home);
            Path features = home.resolve("etc/org.apache.karaf.features.cfg");
            Files.writeString(features, bootWith(Files.readString(features), featuresRepository, feature));
            String repository = System.getProperty("cairn.maven.repository",
                    Paths.get(System.getProperty("user.home"), ".m2", "repository").toString());
            Path mvn = home.resolve("etc/org.ops4j.pax.url.mvn.cfg");
            Files.writeString(mvn, Files.readString(mvn).replaceAll("(?m)^#?\\s*org\\.ops4j\\.pax\\.url\\.mvn"
                    + "\\.localRepository\\s*=.*$", "") + "\norg.ops4j.pax.url.mvn.localRepository=" + repository + "\n");
            StringBuilder cairn = new StringBuilder("data.dir=" + home.resolve("cairn-data") + "\n");
            cairnConfig.forEach((k, v) -> cairn.append(k).append('=').append(v).append('\n'));
            Files.writeString(home.resolve("etc/cairn.server.cfg"), cairn.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Karaf in " + home, e);
        }
        return new KarafProcess(name, address, home);
    }

    /**
     * The features configuration with {@code repository} added and {@code feature} booted, and without the ssh
     * console (it would listen on port 8101 of every address). Values continued over several lines are joined.
     */
    static String bootWith(String cfg, String repository, String feature) {
        StringBuilder out = new StringBuilder();
        for (String line : cfg.replace("\\\n", "").split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("featuresRepositories")) {
                line = trimmed + ", " + repository;
            } else if (trimmed.startsWith("featuresBoot") && !trimmed.startsWith("featuresBootAsynchronous")) {
                line = trimmed.replaceAll(",\\s*ssh/[^,]*", "") + ", " + feature;
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }

    public Path home() {
        return home;
    }

    @Override
    protected List<String> command() {
        return List.of("bash", home.resolve("bin/karaf").toString(), "server");
    }

    @Override
    protected Duration startTimeout() {
        return Duration.ofSeconds(180);
    }

    @Override
    protected boolean isReady() {
        return CairnProcess.etcdPortServes(address(), dataDir());
    }

    @Override
    public int clientPort() {
        return CairnProcess.CLIENT_PORT;
    }

    @Override
    public Optional<ClientTls> tls() {
        return Optional.of(ClientTls.inDataDir(dataDir()));
    }

    @Override
    public String kind() {
        return "karaf";
    }

    @Override
    public void close() {
        super.close();
        WorkDirs.delete(home);
    }
}
