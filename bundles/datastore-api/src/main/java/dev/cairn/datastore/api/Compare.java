package dev.cairn.datastore.api;

import java.util.List;

/**
 * One condition of a transaction, as etcd's {@code Compare}. Every key of {@code range} must satisfy it; a missing
 * key compares as version, create, mod and lease 0, and a VALUE compare on a missing key is always false. VALUE
 * compares bytes (unsigned); the other targets compare {@code number}.
 */
public record Compare(KeyRange range, Target target, Result result, long number, byte[] value) {

    public enum Target { VERSION, CREATE, MOD, VALUE, LEASE }

    public enum Result { EQUAL, GREATER, LESS, NOT_EQUAL }

    public static Compare number(KeyRange range, Target target, Result result, long number) {
        return new Compare(range, target, result, number, null);
    }

    public static Compare value(KeyRange range, Result result, byte[] value) {
        return new Compare(range, Target.VALUE, result, 0, value);
    }

    /**
     * Whether the compare holds for {@code kvs}, the keys of its range at the txn's revision (etcd's {@code
     * applyCompare}): every key must satisfy it; an empty range compares as a key whose version, create, mod
     * revision and lease are 0, except that a VALUE compare on it is false. Every backend that evaluates txns itself
     * uses this, so that they agree with etcd and with each other.
     */
    public boolean holds(List<KeyValue> kvs) {
        if (kvs.isEmpty()) {
            return target != Target.VALUE && holds(MISSING);
        }
        for (KeyValue kv : kvs) {
            if (!holds(kv)) {
                return false;
            }
        }
        return true;
    }

    private static final KeyValue MISSING = new KeyValue(Bytes.EMPTY, 0, 0, 0, Bytes.EMPTY, 0);

    private boolean holds(KeyValue kv) {
        int order = switch (target) {
            case VERSION -> Long.compare(kv.version(), number);
            case CREATE -> Long.compare(kv.createRevision(), number);
            case MOD -> Long.compare(kv.modRevision(), number);
            case LEASE -> Long.compare(kv.lease(), number);
            case VALUE -> Bytes.compare(kv.value(), value == null ? Bytes.EMPTY : value);
        };
        return switch (result) {
            case EQUAL -> order == 0;
            case GREATER -> order > 0;
            case LESS -> order < 0;
            case NOT_EQUAL -> order != 0;
        };
    }
}
