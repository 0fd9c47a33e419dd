package dev.cairn.etcd.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * What {@link EtcdGrpcServer} listens on and serves with.
 *
 * @param bindAddress            the address to bind; empty for all addresses
 * @param clientPort             the gRPC client port (0: any free port)
 * @param metricsPort            the plain-HTTP metrics and health port (0: any free port)
 * @param maxRequestBytes        etcd's {@code --max-request-bytes}
 * @param caFile                 CA that client certificates must chain to
 * @param certFile               the serving certificate
 * @param keyFile                its PKCS#8 key
 * @param nodeName               this member's name, for MemberList when the datastore names none
 * @param advertisedClientUrl    this member's client URL, for MemberList when the datastore knows none
 * @param snapshotDir            where Snapshot stages its file before streaming it
 * @param progressNotifyInterval how often progress_notify watchers without events hear the revision
 * @param watchBufferBytes       per watch stream, the queued bytes above which watchers pause
 */
public record ServerSettings(String bindAddress, int clientPort, int metricsPort, int maxRequestBytes, Path caFile,
        Path certFile, Path keyFile, String nodeName, String advertisedClientUrl, Path snapshotDir,
        Duration progressNotifyInterval, long watchBufferBytes) {

    /** etcd's default {@code --max-request-bytes}. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 1_572_864;
    /** etcd's default {@code --experimental-watch-progress-notify-interval}. */
    public static final Duration DEFAULT_PROGRESS_NOTIFY_INTERVAL = Duration.ofMinutes(10);
    /** etcd's minimum progress notify interval. */
    public static final Duration MIN_PROGRESS_NOTIFY_INTERVAL = Duration.ofMillis(100);
    /** System property overriding the progress notify interval (a duration such as 500ms, 5s or 10m). */
    public static final String PROGRESS_NOTIFY_INTERVAL_PROPERTY = "cairn.etcd.watch-progress-notify-interval";
    public static final long DEFAULT_WATCH_BUFFER_BYTES = 8L * 1024 * 1024;
    /** grpc-go's framing allowance etcd adds to the request limit for the transport. */
    public static final int GRPC_OVERHEAD_BYTES = 512 * 1024;

    public ServerSettings {
        bindAddress = bindAddress == null ? "" : bindAddress;
        if (maxRequestBytes <= 0) {
            throw new IllegalArgumentException("max.request.bytes must be positive, got " + maxRequestBytes);
        }
        if (progressNotifyInterval.compareTo(MIN_PROGRESS_NOTIFY_INTERVAL) < 0) {
            progressNotifyInterval = MIN_PROGRESS_NOTIFY_INTERVAL;
        }
    }

    /** The progress notify interval: the system property when set, etcd's default otherwise. */
    public static Duration progressNotifyIntervalFromSystem() {
        String value = System.getProperty(PROGRESS_NOTIFY_INTERVAL_PROPERTY, "").trim();
        return value.isEmpty() ? DEFAULT_PROGRESS_NOTIFY_INTERVAL : parseDuration(value,
                PROGRESS_NOTIFY_INTERVAL_PROPERTY);
    }

    /** A Go-style duration with one unit: {@code 250ms}, {@code 5s}, {@code 10m}, {@code 1h}. */
    static Duration parseDuration(String text, String name) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            switch (s.charAt(s.length() - 1)) {
                case 's':
                    return Duration.ofSeconds(n);
                case 'm':
                    return Duration.ofMinutes(n);
                case 'h':
                    return Duration.ofHours(n);
                default:
                    break;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + ": '" + text + "' is not a duration like 500ms, 5s, 10m or 1h");
    }
}
