package dev.cairn.datastore.api;

import java.util.List;

/** @param prevKvs the deleted keys as they were, when asked for; otherwise empty */
public record DeleteResult(long revision, long deleted, List<KeyValue> prevKvs) implements OpResult {
}
