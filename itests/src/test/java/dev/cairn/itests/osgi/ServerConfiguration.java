package dev.cairn.itests.osgi;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.service.cm.ConfigurationAdmin;

/** The {@code cairn.server} configuration the Felix tests give the server, inside the framework. */
final class ServerConfiguration {
    private ServerConfiguration() {
    }

    /**
     * Configures the server once per framework: a fresh data dir under {@code target/} (a clean build removes it),
     * {@code address} for its node IP and every port, the default metrics port, and {@code extra}.
     *
     * @return the data dir, or null when the framework was configured already
     */
    static Path applyOnce(ConfigurationAdmin admin, String nodeName, String address, int clientPort,
            Map<String, Object> extra) throws Exception {
        if (admin.listConfigurations("(service.pid=cairn.server)") != null) {
            return null;
        }
        Files.createDirectories(Path.of("target"));
        Path dataDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), nodeName + "-data");
        Hashtable<String, Object> props = new Hashtable<>(extra);
        props.put("data.dir", dataDir.toString());
        props.put("node.name", nodeName);
        props.put("node.ip", address);
        props.put("bind.address", address);
        props.put("client.port", clientPort);
        props.put("metrics.port", 2381);
        admin.getConfiguration("cairn.server", "?").update(props);
        return dataDir;
    }
}
