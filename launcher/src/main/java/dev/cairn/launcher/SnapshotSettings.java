package dev.cairn.launcher;

import java.util.Map;

/**
 * Scheduled snapshots of the embedded etcd, K3s's {@code --etcd-snapshot-*} flags; empty or 0 values leave the
 * datastore bundle's defaults (every 12 hours, keep 5, {@code <data-dir>/server/db/snapshots}).
 *
 * @param scheduleCron {@code --etcd-snapshot-schedule-cron}
 * @param retention    {@code --etcd-snapshot-retention}; -1 when not set
 * @param dir          {@code --etcd-snapshot-dir}, absolute
 * @param compress     {@code --etcd-snapshot-compress}
 * @param name         {@code --etcd-snapshot-name}
 * @param disabled     {@code --etcd-disable-snapshots}
 */
record SnapshotSettings(String scheduleCron, int retention, String dir, boolean compress, String name,
        boolean disabled) {

    static final SnapshotSettings DEFAULTS = new SnapshotSettings("", -1, "", false, "", false);

    /** The settings that were given, as {@code cairn.server} properties. */
    void putInto(Map<String, Object> properties) {
        if (!scheduleCron.isEmpty()) {
            properties.put(Flag.ETCD_SNAPSHOT_SCHEDULE_CRON.property(), scheduleCron);
        }
        if (retention >= 0) {
            properties.put(Flag.ETCD_SNAPSHOT_RETENTION.property(), retention);
        }
        if (!dir.isEmpty()) {
            properties.put(Flag.ETCD_SNAPSHOT_DIR.property(), dir);
        }
        if (compress) {
            properties.put(Flag.ETCD_SNAPSHOT_COMPRESS.property(), true);
        }
        if (!name.isEmpty()) {
            properties.put(Flag.ETCD_SNAPSHOT_NAME.property(), name);
        }
        if (disabled) {
            properties.put(Flag.ETCD_DISABLE_SNAPSHOTS.property(), true);
        }
    }
}
