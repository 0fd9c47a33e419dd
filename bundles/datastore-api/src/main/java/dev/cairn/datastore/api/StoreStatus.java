package dev.cairn.datastore.api;

/**
 * @param revision        the current revision (1 for an empty store)
 * @param compactRevision the last compaction's revision, 0 if never compacted
 * @param dbSize          bytes the store takes on disk
 * @param dbSizeInUse     bytes in use (dbSize minus free pages); 0 &lt; dbSizeInUse ≤ dbSize
 * @param quotaBytes      the space quota; writes fail with NO_SPACE once the NOSPACE alarm is raised
 */
public record StoreStatus(long revision, long compactRevision, long dbSize, long dbSizeInUse, long quotaBytes) {
}
