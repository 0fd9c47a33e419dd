package dev.cairn.datastore.api;

/**
 * One change, as etcd's {@code mvccpb.Event}. A PUT carries the full new key-value ({@code version == 1} means a
 * create); a DELETE carries {@link KeyValue#tombstone}. {@code prevKv} is the key at {@code modRevision - 1}, set
 * only when the watch asked for it and that revision is not compacted.
 */
public record Event(Type type, KeyValue kv, KeyValue prevKv) {
    public enum Type { PUT, DELETE }

    public Event withoutPrevKv() {
        return prevKv == null ? this : new Event(type, kv, null);
    }
}
