package dev.cairn.datastore.api;

/**
 * How fast the disk under the data dir fsyncs, against what the datastore's timing tolerates: measured once at start
 * (a probe of a few dozen small fsyncs) and kept up to date from the store's own fsyncs.
 *
 * @param dir            the directory measured
 * @param probeP50Ms     median fsync of the start-up probe, in milliseconds
 * @param probeP99Ms     99th percentile of the start-up probe
 * @param recentP99Ms    99th percentile of the store's own last 256 fsyncs (judged once a second); -1 before there
 *                       were enough of them
 * @param toleratedMs    the 99th percentile above which the disk is too slow for this datastore
 * @param warning        empty while the disk keeps up; otherwise the last warning given (what was measured, and
 *                       what to do about it)
 */
public record DiskCheck(String dir, double probeP50Ms, double probeP99Ms, double recentP99Ms, double toleratedMs,
        String warning) {

    /** Nothing measured (a backend without a local disk). */
    public static final DiskCheck NONE = new DiskCheck("", 0, 0, -1, 0, "");

    public DiskCheck {
        dir = dir == null ? "" : dir;
        warning = warning == null ? "" : warning;
    }

    /** True when the last figure (the probe, or the recent fsyncs once there are enough) is above the tolerance. */
    public boolean slow() {
        return !warning.isEmpty();
    }
}
