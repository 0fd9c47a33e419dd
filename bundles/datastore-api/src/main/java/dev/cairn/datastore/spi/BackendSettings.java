package dev.cairn.datastore.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a backend is opened with.
 *
 * @param dataDir           the server's data dir; a backend keeps its files under {@code dataDir/server/db}
 * @param endpoint          the backend-specific location ({@code --datastore-endpoint}), empty for the default
 * @param nodeName          this server's node name
 * @param clientUrls        this server's advertised etcd client URLs
 * @param peerUrls          this server's advertised peer URLs
 * @param quotaBytes        the space quota ({@code --quota-backend-bytes}); 0 means the default (2 GiB)
 * @param fsyncDelay        fault injection: an extra delay before every fsync; zero unless explicitly enabled
 * @param options           further backend-specific options (string keys and values)
 */
public record BackendSettings(Path dataDir, String endpoint, String nodeName, List<String> clientUrls,
        List<String> peerUrls, long quotaBytes, Duration fsyncDelay, Map<String, String> options) {

    public static final long DEFAULT_QUOTA_BYTES = 2L * 1024 * 1024 * 1024;

    public BackendSettings {
        endpoint = endpoint == null ? "" : endpoint;
        clientUrls = clientUrls == null ? List.of() : List.copyOf(clientUrls);
        peerUrls = peerUrls == null ? List.of() : List.copyOf(peerUrls);
        quotaBytes = quotaBytes <= 0 ? DEFAULT_QUOTA_BYTES : quotaBytes;
        fsyncDelay = fsyncDelay == null ? Duration.ZERO : fsyncDelay;
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    /** {@code dataDir/server/db}, where backends keep their files. */
    public Path dbDir() {
        return dataDir.resolve("server").resolve("db");
    }
}
