package dev.cairn.datastore.postgres;

import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.Compare;
import dev.cairn.datastore.api.KeyValue;
import java.util.List;

/** One txn compare against the keys of its range, with etcd's rules for missing keys. */
final class Comparison {
    private static final KeyValue MISSING = new KeyValue(new byte[0], 0, 0, 0, new byte[0], 0);

    private Comparison() {
    }

    /**
     * Every key of the range must satisfy the compare. An empty range compares as a key whose version, create, mod
     * revision and lease are 0, except that a VALUE compare on it is false (etcd's {@code applyCompare}).
     */
    static boolean holds(Compare c, List<KeyValue> kvs) {
        if (kvs.isEmpty()) {
            return c.target() != Compare.Target.VALUE && holds(c, MISSING);
        }
        for (KeyValue kv : kvs) {
            if (!holds(c, kv)) {
                return false;
            }
        }
        return true;
    }

    private static boolean holds(Compare c, KeyValue kv) {
        int order = switch (c.target()) {
            case VERSION -> Long.compare(kv.version(), c.number());
            case CREATE -> Long.compare(kv.createRevision(), c.number());
            case MOD -> Long.compare(kv.modRevision(), c.number());
            case LEASE -> Long.compare(kv.lease(), c.number());
            case VALUE -> Bytes.compare(kv.value(), c.value() == null ? Bytes.EMPTY : c.value());
        };
        return switch (c.result()) {
            case EQUAL -> order == 0;
            case GREATER -> order > 0;
            case LESS -> order < 0;
            case NOT_EQUAL -> order != 0;
        };
    }
}
