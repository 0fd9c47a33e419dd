package dev.cairn.datastore.selector;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The part of the {@code cairn.server} configuration that decides and tunes the active datastore. */
@ObjectClassDefinition(id = "cairn.server.datastore", name = "Cairn datastore selection")
@interface SelectorConfig {

    @AttributeDefinition(description = "Server data directory; backends keep their files under server/db")
    String data_dir();

    @AttributeDefinition(description = "This server's node name")
    String node_name() default "";

    @AttributeDefinition(description = "Address advertised to clients and peers")
    String node_ip() default "127.0.0.1";

    @AttributeDefinition(description = "etcd client port")
    int client_port() default 2379;

    @AttributeDefinition(description = "Raft peer port")
    int peer_port() default 2380;

    @AttributeDefinition(description = "External datastore: https://<etcd>:2379[,...] (or http://) for an external"
            + " etcd, sqlite:<path>; empty selects the embedded SQLite store")
    String datastore_endpoint() default "";

    @AttributeDefinition(description = "PEM CA file verifying the external etcd's certificate; empty for the JVM's CAs")
    String datastore_cafile() default "";

    @AttributeDefinition(description = "PEM client certificate for the external etcd; empty for none")
    String datastore_certfile() default "";

    @AttributeDefinition(description = "PEM PKCS#8 key of the client certificate for the external etcd")
    String datastore_keyfile() default "";

    @AttributeDefinition(description = "Space quota in bytes; 0 means 2 GiB")
    long quota_backend_bytes() default 0;

    @AttributeDefinition(description = "Auto-compaction mode: periodic or revision")
    String auto_compaction_mode() default "periodic";

    @AttributeDefinition(description = "Auto-compaction retention: a duration (periodic) or a revision count; 0 disables")
    String auto_compaction_retention() default "1h";

    @AttributeDefinition(description = "Address the listeners bind; empty for all addresses")
    String bind_address() default "";

    @AttributeDefinition(description = "Found a new embedded etcd (Raft) cluster")
    boolean cluster_init() default false;

    @AttributeDefinition(description = "Supervisor URL of the cluster this server joined through; empty for none")
    String server_url() default "";

    @AttributeDefinition(description = "Set by the launcher once this server is registered with the cluster it joins")
    boolean raft_join() default false;

    @AttributeDefinition(description = "Make this member the only voter of a new cluster with all its data, then exit")
    boolean cluster_reset() default false;

    @AttributeDefinition(description = "With cluster_reset: the snapshot file the new one-member cluster starts from")
    String cluster_reset_restore_path() default "";

    @AttributeDefinition(description = "When scheduled snapshots are taken: 5 cron fields or @every <duration>")
    String etcd_snapshot_schedule_cron() default "0 */12 * * *";

    @AttributeDefinition(description = "Scheduled snapshots kept; older ones are deleted (0 keeps all)")
    int etcd_snapshot_retention() default 5;

    @AttributeDefinition(description = "Directory of the snapshots; empty for <data-dir>/server/db/snapshots")
    String etcd_snapshot_dir() default "";

    @AttributeDefinition(description = "Zip scheduled snapshots")
    boolean etcd_snapshot_compress() default false;

    @AttributeDefinition(description = "Base name of scheduled snapshots")
    String etcd_snapshot_name() default "etcd-snapshot";

    @AttributeDefinition(description = "Take no scheduled snapshots")
    boolean etcd_disable_snapshots() default false;

    @AttributeDefinition(description = "Raft election timeout (lower bound) in ms; 0 for the backend's default")
    int raft_election_timeout_ms() default 0;

    @AttributeDefinition(description = "Raft leader heartbeat interval in ms; 0 for the backend's default")
    int raft_heartbeat_interval_ms() default 0;

    @AttributeDefinition(description = "Fault injection: delay before every fsync (off when empty)")
    String failpoint_fsync_delay() default "";

    @AttributeDefinition(description = "Fault injection: the SQLite conversion step at which the process halts"
            + " (copied, staged, renamed, opened; off when empty)")
    String failpoint_conversion_crash() default "";
}
