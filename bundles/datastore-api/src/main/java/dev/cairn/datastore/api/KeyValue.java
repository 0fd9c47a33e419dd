package dev.cairn.datastore.api;

import java.util.Arrays;

/**
 * One version of one key, as etcd's {@code mvccpb.KeyValue}.
 *
 * @param key            the key, never empty
 * @param createRevision revision of the put that created this incarnation of the key
 * @param modRevision    revision of the last change
 * @param version        1 at creation, +1 per put; reset by a delete
 * @param value          the value; {@code null} only in keys-only reads
 * @param lease          attached lease id, 0 for none
 */
public record KeyValue(byte[] key, long createRevision, long modRevision, long version, byte[] value, long lease) {

    /** The key-only form used in DELETE events: every field but key and mod revision is zero. */
    public static KeyValue tombstone(byte[] key, long modRevision) {
        return new KeyValue(key, 0, modRevision, 0, new byte[0], 0);
    }

    public KeyValue withoutValue() {
        return new KeyValue(key, createRevision, modRevision, version, null, lease);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue kv && Arrays.equals(key, kv.key) && createRevision == kv.createRevision
                && modRevision == kv.modRevision && version == kv.version && Arrays.equals(value, kv.value)
                && lease == kv.lease;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key) * 31 + Long.hashCode(modRevision);
    }

    @Override
    public String toString() {
        return "KeyValue[key=" + Bytes.show(key) + ", create=" + createRevision + ", mod=" + modRevision
                + ", version=" + version + ", value=" + (value == null ? "null" : Bytes.show(value))
                + ", lease=" + lease + "]";
    }
}
