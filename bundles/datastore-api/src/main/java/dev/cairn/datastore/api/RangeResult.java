package dev.cairn.datastore.api;

import java.util.List;

/**
 * @param revision the store's current revision at read time (also for historical reads, as in etcd)
 * @param kvs      the keys, empty for count-only reads
 * @param count    number of keys in the range at the read revision, regardless of limit and filters
 * @param more     true when the limit cut off further keys
 */
public record RangeResult(long revision, List<KeyValue> kvs, long count, boolean more) implements OpResult {
}
