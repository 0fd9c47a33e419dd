package dev.cairn.etcd.server;

import dev.cairn.datastore.api.ClusterState;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.snapshot.SnapshotFile;
import dev.cairn.datastore.api.DiskCheck;
import dev.cairn.datastore.api.Histogram;
import dev.cairn.datastore.api.RaftMetrics;
import dev.cairn.datastore.api.StoreMetrics;
import dev.cairn.datastore.api.StoreStatus;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.Supplier;

/**
 * The Prometheus metrics etcd's tools read, in the text exposition format: go-grpc-prometheus's per-method request
 * counters and latency histogram (as etcd exports them), the server and MVCC gauges etcd dashboards use, and
 * {@code process_resident_memory_bytes} ({@code etcdctl check datascale} reads it). A figure that means what an
 * etcd metric means has etcd's name, type and buckets, so existing dashboards work; the others are {@code cairn_}.
 */
final class Metrics implements ServerInterceptor {
    /** go-grpc-prometheus's default buckets, in seconds. */
    private static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final Datastore datastore;
    private final Map<String, MethodStats> methods = new ConcurrentHashMap<>();

    private final Supplier<List<SnapshotFile>> snapshots;

    Metrics(Datastore datastore) {
        this(datastore, List::of);
    }

    /** @param snapshots the snapshot files, oldest first (listed at each scrape) */
    Metrics(Datastore datastore, Supplier<List<SnapshotFile>> snapshots) {
        this.datastore = datastore;
        this.snapshots = snapshots;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        MethodDescriptor<Q, R> method = call.getMethodDescriptor();
        MethodStats stats = methods.computeIfAbsent(method.getFullMethodName(), name -> new MethodStats(
                grpcType(method.getType()), method.getServiceName(), method.getBareMethodName()));
        stats.started.incrementAndGet();
        long start = System.nanoTime();
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                stats.handled(status.getCode(), (System.nanoTime() - start) / 1e9);
                super.close(status, trailers);
            }
        }, headers);
    }

    private static String grpcType(MethodDescriptor.MethodType t) {
        return switch (t) {
            case UNARY -> "unary";
            case CLIENT_STREAMING -> "client_stream";
            case SERVER_STREAMING -> "server_stream";
            default -> "bidi_stream";
        };
    }

    /** The whole exposition, gauges read now. */
    String scrape() {
        StringBuilder out = new StringBuilder(4096);
        ClusterState cluster = datastore.cluster();
        StoreStatus status = datastore.status();
        gauge(out, "etcd_server_has_leader", "Whether or not a leader exists. 1 is existence, 0 is not.",
                cluster.hasLeader() ? 1 : 0);
        gauge(out, "etcd_server_is_leader", "Whether or not this member is a leader. 1 if is, 0 otherwise.",
                cluster.hasLeader() && cluster.leaderId() == cluster.memberId() ? 1 : 0);
        gauge(out, "etcd_server_is_learner", "Whether or not this member is a learner. 1 if is, 0 otherwise.",
                cluster.learner() ? 1 : 0);
        out.append("# HELP etcd_server_version Which version is running. 1 for 'server_version' label with "
                + "current version.\n# TYPE etcd_server_version gauge\netcd_server_version{server_version=\"")
                .append(EtcdVersion.SERVER).append("\"} 1\n");
        gauge(out, "etcd_server_quota_backend_bytes", "Current backend storage quota size in bytes.",
                status.quotaBytes());
        gauge(out, "etcd_mvcc_db_total_size_in_bytes",
                "Total size of the underlying database physically allocated in bytes.", status.dbSize());
        gauge(out, "etcd_mvcc_db_total_size_in_use_in_bytes",
                "Total size of the underlying database logically in use in bytes.", status.dbSizeInUse());
        gauge(out, "etcd_debugging_mvcc_current_revision", "The current revision of store.", status.revision());
        gauge(out, "etcd_debugging_mvcc_compact_revision", "The revision of the last compaction in store.",
                status.compactRevision());
        storeMetrics(out, cluster);
        long rss = residentMemoryBytes();
        if (rss >= 0) {
            gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.", rss);
        }
        grpcMetrics(out);
        return out.toString();
    }

    /** The write path, the disk, Raft, watches and leases, from the backend ({@link Datastore#metrics()}). */
    private void storeMetrics(StringBuilder out, ClusterState cluster) {
        StoreMetrics m;
        try {
            m = datastore.metrics();
        } catch (RuntimeException e) {
            return; // the store is closing: the next scrape has it again
        }
        histogram(out, "etcd_disk_wal_fsync_duration_seconds", "The latency distributions of fsync called by WAL.",
                m.walFsync());
        histogram(out, "etcd_disk_backend_commit_duration_seconds",
                "The latency distributions of commit called by backend.", m.backendCommit());
        histogram(out, "cairn_write_batch_size", "Requests carried by one durable write (group commit): per SQLite"
                + " commit on a single server, per Raft log entry this server proposed on a Raft member.",
                m.writeBatch());
        DiskCheck disk = m.disk();
        if (!disk.dir().isEmpty()) {
            String dir = "dir=\"" + label(disk.dir()) + "\"";
            gauge(out, "cairn_disk_fsync_probe_p99_seconds", "99th percentile of the start-up fsync probe of the"
                    + " data dir.", dir, disk.probeP99Ms() / 1000);
            gauge(out, "cairn_disk_fsync_recent_p99_seconds", "99th percentile of the durable log's recent fsyncs"
                    + " (its last 256); -1 before there were enough.", dir,
                    disk.recentP99Ms() < 0 ? -1 : disk.recentP99Ms() / 1000);
            gauge(out, "cairn_disk_fsync_tolerated_p99_seconds", "The fsync 99th percentile above which the disk is"
                    + " too slow for this datastore's timing.", dir, disk.toleratedMs() / 1000);
            gauge(out, "cairn_disk_slow", "1 while the data dir's fsync 99th percentile is above the tolerated one"
                    + " (a warning is logged with what to do), 0 otherwise.", dir, disk.slow() ? 1 : 0);
        }
        RaftMetrics raft = m.raft();
        // etcd exports the commit and applied indices under these names, as gauges
        gauge(out, "etcd_server_proposals_committed_total", "The total number of consensus proposals committed.",
                raft == null ? cluster.raftIndex() : raft.commitIndex());
        gauge(out, "etcd_server_proposals_applied_total", "The total number of consensus proposals applied.",
                raft == null ? cluster.appliedIndex() : raft.appliedIndex());
        gauge(out, "etcd_server_proposals_pending", "The current number of pending proposals to commit.",
                raft == null ? 0 : raft.proposalsPending());
        counter(out, "etcd_server_proposals_failed_total", "The total number of failed proposals seen.",
                raft == null ? 0 : raft.proposalsFailed());
        if (raft != null) {
            counter(out, "etcd_server_leader_changes_seen_total", "The number of leader changes seen.",
                    raft.leaderChanges());
            gauge(out, "cairn_raft_term", "The current Raft term of this member.", raft.term());
            out.append("# HELP cairn_raft_follower_lag_entries Log entries a member is behind the leader (reported"
                    + " by the leader only).\n# TYPE cairn_raft_follower_lag_entries gauge\n");
            for (Map.Entry<String, Long> e : new TreeMap<>(raft.followerLag()).entrySet()) {
                out.append("cairn_raft_follower_lag_entries{member=\"").append(label(e.getKey())).append("\"} ")
                        .append(e.getValue()).append('\n');
            }
        }
        snapshotMetrics(out);
        gauge(out, "etcd_debugging_mvcc_watcher_total", "Total number of watchers.", m.watchers());
        gauge(out, "etcd_mvcc_watcher_total", "Total number of watchers.", m.watchers());
        gauge(out, "etcd_debugging_mvcc_pending_events_total", "Total number of pending events to be sent.",
                m.pendingEvents());
        gauge(out, "cairn_lease_active", "Leases alive now.", m.leases());
    }

    /** The newest snapshot file's time and age (absent while there is none), and how many files there are. */
    private void snapshotMetrics(StringBuilder out) {
        List<SnapshotFile> files;
        try {
            files = snapshots.get();
        } catch (RuntimeException e) {
            files = List.of(); // an unreadable snapshot dir: no figure rather than a failed scrape
        }
        gauge(out, "cairn_snapshot_files", "Snapshot files in the snapshot directory.", files.size());
        if (!files.isEmpty()) {
            long newest = files.stream().mapToLong(f -> f.createdAt().getEpochSecond()).max().orElse(0);
            gauge(out, "cairn_snapshot_latest_timestamp_seconds", "When the newest snapshot was taken, unix time.",
                    newest);
            gauge(out, "cairn_snapshot_latest_age_seconds", "Seconds since the newest snapshot was taken.",
                    Math.max(0, Instant.now().getEpochSecond() - newest));
        }
    }

    /** A Prometheus histogram: cumulative buckets, +Inf, sum and count. */
    private static void histogram(StringBuilder out, String name, String help, Histogram h) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" histogram\n");
        double[] bounds = h.bounds();
        long[] counts = h.counts();
        long cumulative = 0;
        for (int i = 0; i < bounds.length; i++) {
            cumulative += counts[i];
            out.append(name).append("_bucket{le=\"").append(number(bounds[i])).append("\"} ").append(cumulative)
                    .append('\n');
        }
        cumulative += counts[bounds.length];
        out.append(name).append("_bucket{le=\"+Inf\"} ").append(cumulative).append('\n')
                .append(name).append("_sum ").append(h.sum()).append('\n')
                .append(name).append("_count ").append(cumulative).append('\n');
    }

    /** A label value with the exposition format's escapes. */
    private static String label(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private void grpcMetrics(StringBuilder out) {
        Map<String, MethodStats> sorted = new TreeMap<>(methods);
        out.append("# HELP grpc_server_started_total Total number of RPCs started on the server.\n")
                .append("# TYPE grpc_server_started_total counter\n");
        for (MethodStats m : sorted.values()) {
            out.append("grpc_server_started_total{").append(m.labels).append("} ").append(m.started.get())
                    .append('\n');
        }
        out.append("# HELP grpc_server_handled_total Total number of RPCs completed on the server, regardless of "
                + "success or failure.\n# TYPE grpc_server_handled_total counter\n");
        for (MethodStats m : sorted.values()) {
            for (Map.Entry<Status.Code, AtomicLong> e : new TreeMap<>(m.handled).entrySet()) {
                out.append("grpc_server_handled_total{").append(m.labels).append(",grpc_code=\"")
                        .append(codeName(e.getKey())).append("\"} ").append(e.getValue().get()).append('\n');
            }
        }
        out.append("# HELP grpc_server_handling_seconds Histogram of response latency (seconds) of gRPC that had "
                + "been application-level handled by the server.\n# TYPE grpc_server_handling_seconds histogram\n");
        for (MethodStats m : sorted.values()) {
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += m.buckets.get(i);
                out.append("grpc_server_handling_seconds_bucket{").append(m.labels).append(",le=\"")
                        .append(number(BUCKETS[i])).append("\"} ").append(cumulative).append('\n');
            }
            cumulative += m.buckets.get(BUCKETS.length);
            out.append("grpc_server_handling_seconds_bucket{").append(m.labels).append(",le=\"+Inf\"} ")
                    .append(cumulative).append('\n');
            out.append("grpc_server_handling_seconds_sum{").append(m.labels).append("} ")
                    .append(m.seconds.sum()).append('\n');
            out.append("grpc_server_handling_seconds_count{").append(m.labels).append("} ").append(cumulative)
                    .append('\n');
        }
    }

    /** grpc-go's code names (CamelCase), which go-grpc-prometheus puts in the grpc_code label. */
    static String codeName(Status.Code code) {
        return switch (code) {
            case OK -> "OK";
            case CANCELLED -> "Canceled";
            case UNKNOWN -> "Unknown";
            case INVALID_ARGUMENT -> "InvalidArgument";
            case DEADLINE_EXCEEDED -> "DeadlineExceeded";
            case NOT_FOUND -> "NotFound";
            case ALREADY_EXISTS -> "AlreadyExists";
            case PERMISSION_DENIED -> "PermissionDenied";
            case RESOURCE_EXHAUSTED -> "ResourceExhausted";
            case FAILED_PRECONDITION -> "FailedPrecondition";
            case ABORTED -> "Aborted";
            case OUT_OF_RANGE -> "OutOfRange";
            case UNIMPLEMENTED -> "Unimplemented";
            case INTERNAL -> "Internal";
            case UNAVAILABLE -> "Unavailable";
            case DATA_LOSS -> "DataLoss";
            case UNAUTHENTICATED -> "Unauthenticated";
        };
    }

    private static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(value).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, String labels, double value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" gauge\n")
                .append(name).append('{').append(labels).append("} ").append(number(value)).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n")
                .append(name).append(' ').append(value).append('\n');
    }

    /** VmRSS from /proc (Linux); -1 where there is no /proc, and then the metric is left out. */
    static long residentMemoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring("VmRSS:".length()).trim().split("\\s+")[0];
                    return Long.parseLong(kb) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static final class MethodStats {
        final String labels;
        final AtomicLong started = new AtomicLong();
        final Map<Status.Code, AtomicLong> handled = new ConcurrentHashMap<>();
        final AtomicLongArray buckets = new AtomicLongArray(BUCKETS.length + 1);
        final DoubleAdder seconds = new DoubleAdder();

        MethodStats(String type, String service, String method) {
            labels = "grpc_method=\"" + method + "\",grpc_service=\"" + service + "\",grpc_type=\"" + type + "\"";
        }

        void handled(Status.Code code, double elapsedSeconds) {
            handled.computeIfAbsent(code, c -> new AtomicLong()).incrementAndGet();
            int i = 0;
            while (i < BUCKETS.length && elapsedSeconds > BUCKETS[i]) {
                i++;
            }
            buckets.incrementAndGet(i);
            seconds.add(elapsedSeconds);
        }
    }
}
