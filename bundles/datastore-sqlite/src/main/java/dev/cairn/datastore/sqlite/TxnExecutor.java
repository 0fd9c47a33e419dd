package dev.cairn.datastore.sqlite;

import dev.cairn.datastore.api.Compare;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.DeleteResult;
import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.Op;
import dev.cairn.datastore.api.OpResult;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.api.TxnResult;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * etcd's put, delete range and txn on one connection. Every check runs against the view before the request and
 * before its first change, so a refused request writes nothing: for a txn, all compares (nested ones included)
 * choose the path first, then the chosen path is checked (leases exist, keys exist for ignore_value/ignore_lease,
 * range revisions are neither compacted nor future), and only then do its ops run, in order, each seeing the
 * changes of the ones before.
 */
final class TxnExecutor {
    private static final int DELETE_CHUNK = 1000;
    private final RangeReader reads;
    /** Null on read connections, which only run txns without writes. */
    private final RevisionLog log;

    TxnExecutor(RangeReader reads, RevisionLog log) {
        this.reads = reads;
        this.log = log;
    }

    PutResult put(PutRequest r, RevisionScope scope) throws SQLException {
        KeyValue prev = reads.latest(r.key(), r.prevKv() || r.ignoreValue() || scope.recordsPrevValues());
        if ((r.ignoreValue() || r.ignoreLease()) && prev == null) {
            throw StoreError.KEY_NOT_FOUND.exception();
        }
        long lease = r.ignoreLease() ? prev.lease() : r.lease();
        if (!r.ignoreLease() && lease != 0 && !log.leaseExists(lease)) {
            throw StoreError.LEASE_NOT_FOUND.exception();
        }
        long revision = scope.revision();
        int sub = scope.nextSub();
        long create = prev == null ? revision : prev.createRevision();
        long version = prev == null ? 1 : prev.version() + 1;
        byte[] value = r.ignoreValue() ? prev.value() : r.value();
        log.appendPut(r.key(), revision, sub, create, version, lease, value);
        if (scope.recordsEvents()) {
            KeyValue kv = new KeyValue(r.key(), create, revision, version, value, lease);
            scope.event(new Event(Event.Type.PUT, kv, scope.recordsPrevValues() ? prev : null));
        }
        return new PutResult(revision, r.prevKv() ? prev : null);
    }

    /**
     * Deletes the range in chunks of {@value #DELETE_CHUNK} keys, so that deleting a million keys holds no more
     * than a chunk in memory (plus the events, when watches want them, and the previous values, when asked).
     */
    DeleteResult delete(DeleteRequest r, RevisionScope scope) throws SQLException {
        boolean values = r.prevKv() || scope.recordsPrevValues();
        List<KeyValue> prevKvs = r.prevKv() ? new ArrayList<>() : List.of();
        long revision = scope.revision();
        long deleted = 0;
        while (true) {
            // deleted keys leave the latest table, so each scan picks up where the last one stopped
            List<KeyValue> chunk = reads.scan(r.range(), 0, true, false, DELETE_CHUNK, values);
            for (KeyValue kv : chunk) {
                log.appendTombstone(kv.key(), revision, scope.nextSub());
                if (scope.recordsEvents()) {
                    scope.event(new Event(Event.Type.DELETE, KeyValue.tombstone(kv.key(), revision),
                            scope.recordsPrevValues() ? kv : null));
                }
                if (r.prevKv()) {
                    prevKvs.add(kv);
                }
            }
            deleted += chunk.size();
            if (chunk.size() < DELETE_CHUNK) {
                break;
            }
        }
        if (deleted == 0) {
            return new DeleteResult(scope.viewRevision(), 0, List.of());
        }
        return new DeleteResult(revision, deleted, prevKvs);
    }

    TxnResult txn(TxnRequest t, RevisionScope scope) throws SQLException {
        Path path = choosePath(t);
        check(t, path, scope);
        return execute(t, path, scope);
    }

    /** Which branch runs, for the txn and every nested txn on the chosen path. */
    private record Path(boolean succeeded, List<Path> nested) {
    }

    private Path choosePath(TxnRequest t) throws SQLException {
        boolean ok = true;
        for (Compare c : t.compares()) {
            if (!holds(c)) {
                ok = false;
                break;
            }
        }
        List<Path> nested = new ArrayList<>(0);
        for (Op op : ok ? t.success() : t.failure()) {
            if (op instanceof Op.Txn n) {
                nested.add(choosePath(n.request()));
            }
        }
        return new Path(ok, nested);
    }

    /** The compare against the keys of its range at the txn's revision (etcd's rules: {@link Compare#holds}). */
    private boolean holds(Compare c) throws SQLException {
        return c.holds(reads.scan(c.range(), 0, true, false, -1, c.target() == Compare.Target.VALUE));
    }

    private void check(TxnRequest t, Path path, RevisionScope scope) throws SQLException {
        int nested = 0;
        for (Op op : path.succeeded() ? t.success() : t.failure()) {
            if (op instanceof Op.Range r) {
                RangeRequest rr = r.request();
                long at = rr.revision() <= 0 ? scope.base() : rr.revision();
                RangeReader.checkRevision(at, scope.base(), scope.compactRevision());
            } else if (op instanceof Op.Put p) {
                checkPut(p.request());
            } else if (op instanceof Op.Txn n) {
                check(n.request(), path.nested().get(nested++), scope);
            }
        }
    }

    private void checkPut(PutRequest r) throws SQLException {
        if (r.ignoreValue() || r.ignoreLease()) {
            if (reads.scan(dev.cairn.datastore.api.KeyRange.single(r.key()), 0, true, false, 1, false).isEmpty()) {
                throw StoreError.KEY_NOT_FOUND.exception();
            }
        }
        if (!r.ignoreLease() && r.lease() != 0 && !log.leaseExists(r.lease())) {
            throw StoreError.LEASE_NOT_FOUND.exception();
        }
    }

    private TxnResult execute(TxnRequest t, Path path, RevisionScope scope) throws SQLException {
        List<Op> ops = path.succeeded() ? t.success() : t.failure();
        List<OpResult> results = new ArrayList<>(ops.size());
        int nested = 0;
        for (Op op : ops) {
            if (op instanceof Op.Range r) {
                results.add(reads.range(r.request(), scope.viewRevision(), scope.compactRevision()));
            } else if (op instanceof Op.Put p) {
                results.add(put(p.request(), scope));
            } else if (op instanceof Op.Delete d) {
                results.add(delete(d.request(), scope));
            } else if (op instanceof Op.Txn n) {
                results.add(execute(n.request(), path.nested().get(nested++), scope));
            }
        }
        return new TxnResult(scope.viewRevision(), path.succeeded(), results);
    }

    /** True when some branch of the txn, nested ones included, holds a put (refused while space is exhausted). */
    static boolean hasPut(TxnRequest t) {
        return hasPut(t.success()) || hasPut(t.failure());
    }

    private static boolean hasPut(List<Op> ops) {
        for (Op op : ops) {
            if (op instanceof Op.Put || (op instanceof Op.Txn n && hasPut(n.request()))) {
                return true;
            }
        }
        return false;
    }
}
