package dev.cairn.datastore.selector;

/**
 * The part of the {@code cairn.server} configuration that steers datastore snapshots (K3s's etcd-snapshot flags).
 * The bundle's metatype for the PID is {@link SelectorConfig}'s (one designate per PID and bundle), which lists
 * these attributes too.
 */
@interface SnapshotConfig {

    /** Server data directory; snapshots go to server/db/snapshots by default. */
    String data_dir();

    /** This server's node name, part of every snapshot's file name. */
    String node_name() default "";

    /** When scheduled snapshots are taken: 5 cron fields or @every <duration>. */
    String etcd_snapshot_schedule_cron() default "0 */12 * * *";

    /** Scheduled snapshots kept; older ones are deleted (0 keeps all). */
    int etcd_snapshot_retention() default 5;

    /** Directory of the snapshots; empty for <data-dir>/server/db/snapshots. Another directory must exist already. */
    String etcd_snapshot_dir() default "";

    /** Zip scheduled snapshots. */
    boolean etcd_snapshot_compress() default false;

    /** Base name of scheduled snapshots. */
    String etcd_snapshot_name() default "etcd-snapshot";

    /** Take no scheduled snapshots. */
    boolean etcd_disable_snapshots() default false;
}
