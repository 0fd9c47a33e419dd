package dev.cairn.datastore.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The request checks etcd makes before a put, delete or txn runs, shared by every backend so that all of them
 * refuse the same requests with the same errors.
 */
public final class TxnRules {
    /** etcd's default {@code --max-txn-ops}. */
    public static final int MAX_TXN_OPS = 128;

    private TxnRules() {
    }

    public static void checkPut(PutRequest r) {
        if (r.key() == null || r.key().length == 0) {
            throw StoreError.EMPTY_KEY.exception();
        }
        if (r.ignoreValue() && r.value().length != 0) {
            throw StoreError.VALUE_PROVIDED.exception();
        }
        if (r.ignoreLease() && r.lease() != 0) {
            throw StoreError.LEASE_PROVIDED.exception();
        }
    }

    public static void checkRange(RangeRequest r) {
        if (r.range().key().length == 0) {
            throw StoreError.EMPTY_KEY.exception();
        }
    }

    public static void checkDelete(DeleteRequest r) {
        if (r.range().key().length == 0) {
            throw StoreError.EMPTY_KEY.exception();
        }
    }

    /** Checks op counts, empty keys and duplicate writes, recursively, as etcd's {@code checkTxnRequest}. */
    public static void checkTxn(TxnRequest t) {
        checkTxn(t, MAX_TXN_OPS);
        checkIntervals(t);
    }

    /**
     * etcd's op budget: the largest of the compare, success and failure counts must fit the budget, and nested txns
     * get what is left of it after that largest count.
     */
    private static void checkTxn(TxnRequest t, int maxOps) {
        int used = Math.max(t.compares().size(), Math.max(t.success().size(), t.failure().size()));
        if (used > maxOps) {
            throw StoreError.TOO_MANY_OPS.exception();
        }
        for (Compare c : t.compares()) {
            if (c.range().key().length == 0) {
                throw StoreError.EMPTY_KEY.exception();
            }
        }
        checkOps(t.success(), maxOps - used);
        checkOps(t.failure(), maxOps - used);
    }

    private static void checkOps(List<Op> ops, int remaining) {
        for (Op op : ops) {
            if (op instanceof Op.Range r) {
                checkRange(r.request());
            } else if (op instanceof Op.Put p) {
                checkPut(p.request());
            } else if (op instanceof Op.Delete d) {
                checkDelete(d.request());
            } else if (op instanceof Op.Txn n) {
                checkTxn(n.request(), remaining);
            } else {
                throw StoreError.KEY_NOT_FOUND.exception();
            }
        }
    }

    /**
     * Duplicate writes, as etcd's {@code checkIntervals}: within one branch no key may be put twice, and no put may
     * fall inside a deleted interval, nested txns included. The two branches of a nested txn are exclusive, so they
     * may put the same key.
     */
    private static void checkIntervals(TxnRequest t) {
        intervals(t.success());
        intervals(t.failure());
    }

    private record Writes(Set<ByteKey> puts, List<KeyRange> deletes) {
        boolean deletes(byte[] key) {
            for (KeyRange d : deletes) {
                if (d.contains(key)) {
                    return true;
                }
            }
            return false;
        }
    }

    private record ByteKey(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ByteKey k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    private static Writes intervals(List<Op> ops) {
        Writes level = new Writes(new HashSet<>(), new ArrayList<>());
        for (Op op : ops) {
            if (op instanceof Op.Delete d) {
                level.deletes().add(d.request().range());
            }
        }
        for (Op op : ops) {
            if (op instanceof Op.Txn n) {
                Writes then = intervals(n.request().success());
                Writes otherwise = intervals(n.request().failure());
                for (ByteKey k : then.puts()) {
                    if (level.puts().contains(k) || level.deletes(k.bytes())) {
                        throw StoreError.DUPLICATE_KEY.exception();
                    }
                    level.puts().add(k);
                }
                for (ByteKey k : otherwise.puts()) {
                    boolean seen = level.puts().contains(k) && !then.puts().contains(k);
                    if (seen || level.deletes(k.bytes())) {
                        throw StoreError.DUPLICATE_KEY.exception();
                    }
                    level.puts().add(k);
                }
                level.deletes().addAll(then.deletes());
                level.deletes().addAll(otherwise.deletes());
            }
        }
        for (Op op : ops) {
            if (op instanceof Op.Put p) {
                ByteKey k = new ByteKey(p.request().key());
                if (level.puts().contains(k) || level.deletes(k.bytes())) {
                    throw StoreError.DUPLICATE_KEY.exception();
                }
                level.puts().add(k);
            }
        }
        return level;
    }
}
