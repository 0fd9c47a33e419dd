package dev.cairn.datastore.api;

/** @param prevKv the key before the put, when asked for and present; otherwise null */
public record PutResult(long revision, KeyValue prevKv) implements OpResult {
}
