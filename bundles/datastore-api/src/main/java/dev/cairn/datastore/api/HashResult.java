package dev.cairn.datastore.api;

/** {@code HashKV}: a CRC-32 over every key version up to {@code hashRevision}, equal on consistent replicas. */
public record HashResult(long hash, long compactRevision, long hashRevision) {
}
