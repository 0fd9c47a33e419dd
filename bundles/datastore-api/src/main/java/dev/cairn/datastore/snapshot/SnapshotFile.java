package dev.cairn.datastore.snapshot;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One snapshot file in the snapshot directory.
 *
 * @param name       the file name, {@code <name>-<node>-<unix time>[.zip]}
 * @param location   the absolute path of the file
 * @param size       its size in bytes
 * @param createdAt  when it was taken (the unix time in its name; the file's modification time for a file named
 *                   otherwise)
 * @param revision   the store revision it holds, or 0 when not known (a file listed, not just saved)
 */
public record SnapshotFile(String name, Path location, long size, Instant createdAt, long revision) {
}
