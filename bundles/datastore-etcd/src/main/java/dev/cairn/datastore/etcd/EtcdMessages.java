package dev.cairn.datastore.etcd;

import com.google.protobuf.ByteString;
import dev.cairn.datastore.api.Compare;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.DeleteResult;
import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.Op;
import dev.cairn.datastore.api.OpResult;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.RangeResult;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.api.TxnResult;
import dev.cairn.etcd.pb.Mvcc;
import dev.cairn.etcd.pb.Rpc;
import java.util.ArrayList;
import java.util.List;

/**
 * The Datastore's requests and results as etcd's v3 messages, field for field: the Datastore contract was written
 * after etcd's, so every option has its etcd counterpart and nothing is emulated.
 */
final class EtcdMessages {

    private EtcdMessages() {
    }

    static ByteString bytes(byte[] b) {
        return b == null || b.length == 0 ? ByteString.EMPTY : ByteString.copyFrom(b);
    }

    // ---- requests ----

    static Rpc.RangeRequest range(RangeRequest r) {
        return Rpc.RangeRequest.newBuilder()
                .setKey(bytes(r.range().key())).setRangeEnd(bytes(r.range().end()))
                .setLimit(r.limit()).setRevision(r.revision())
                .setSortOrder(Rpc.RangeRequest.SortOrder.valueOf(r.sortOrder().name()))
                .setSortTarget(Rpc.RangeRequest.SortTarget.valueOf(r.sortTarget().name()))
                .setSerializable(r.serializable()).setKeysOnly(r.keysOnly()).setCountOnly(r.countOnly())
                .setMinModRevision(r.minModRevision()).setMaxModRevision(r.maxModRevision())
                .setMinCreateRevision(r.minCreateRevision()).setMaxCreateRevision(r.maxCreateRevision())
                .build();
    }

    static Rpc.PutRequest put(PutRequest r) {
        return Rpc.PutRequest.newBuilder().setKey(bytes(r.key())).setValue(bytes(r.value())).setLease(r.lease())
                .setPrevKv(r.prevKv()).setIgnoreValue(r.ignoreValue()).setIgnoreLease(r.ignoreLease()).build();
    }

    static Rpc.DeleteRangeRequest delete(DeleteRequest r) {
        return Rpc.DeleteRangeRequest.newBuilder().setKey(bytes(r.range().key()))
                .setRangeEnd(bytes(r.range().end())).setPrevKv(r.prevKv()).build();
    }

    static Rpc.TxnRequest txn(TxnRequest r) {
        Rpc.TxnRequest.Builder b = Rpc.TxnRequest.newBuilder();
        for (Compare c : r.compares()) {
            b.addCompare(compare(c));
        }
        for (Op op : r.success()) {
            b.addSuccess(op(op));
        }
        for (Op op : r.failure()) {
            b.addFailure(op(op));
        }
        return b.build();
    }

    private static Rpc.Compare compare(Compare c) {
        Rpc.Compare.Builder b = Rpc.Compare.newBuilder().setKey(bytes(c.range().key()))
                .setRangeEnd(bytes(c.range().end()))
                .setResult(Rpc.Compare.CompareResult.valueOf(c.result().name()))
                .setTarget(Rpc.Compare.CompareTarget.valueOf(c.target().name()));
        switch (c.target()) {
            case VERSION -> b.setVersion(c.number());
            case CREATE -> b.setCreateRevision(c.number());
            case MOD -> b.setModRevision(c.number());
            case LEASE -> b.setLease(c.number());
            case VALUE -> b.setValue(bytes(c.value()));
        }
        return b.build();
    }

    private static Rpc.RequestOp op(Op op) {
        Rpc.RequestOp.Builder b = Rpc.RequestOp.newBuilder();
        if (op instanceof Op.Range r) {
            b.setRequestRange(range(r.request()));
        } else if (op instanceof Op.Put p) {
            b.setRequestPut(put(p.request()));
        } else if (op instanceof Op.Delete d) {
            b.setRequestDeleteRange(delete(d.request()));
        } else if (op instanceof Op.Txn t) {
            b.setRequestTxn(txn(t.request()));
        }
        return b.build();
    }

    // ---- results ----

    static KeyValue keyValue(Mvcc.KeyValue kv, boolean keysOnly) {
        return new KeyValue(kv.getKey().toByteArray(), kv.getCreateRevision(), kv.getModRevision(), kv.getVersion(),
                keysOnly ? null : kv.getValue().toByteArray(), kv.getLease());
    }

    static RangeResult rangeResult(Rpc.RangeResponse resp, RangeRequest request, long fallbackRevision) {
        List<KeyValue> kvs = new ArrayList<>(resp.getKvsCount());
        for (Mvcc.KeyValue kv : resp.getKvsList()) {
            kvs.add(keyValue(kv, request.keysOnly()));
        }
        return new RangeResult(revision(resp.getHeader(), fallbackRevision), kvs, resp.getCount(), resp.getMore());
    }

    static PutResult putResult(Rpc.PutResponse resp, long fallbackRevision) {
        return new PutResult(revision(resp.getHeader(), fallbackRevision),
                resp.hasPrevKv() ? keyValue(resp.getPrevKv(), false) : null);
    }

    static DeleteResult deleteResult(Rpc.DeleteRangeResponse resp, long fallbackRevision) {
        List<KeyValue> prev = new ArrayList<>(resp.getPrevKvsCount());
        for (Mvcc.KeyValue kv : resp.getPrevKvsList()) {
            prev.add(keyValue(kv, false));
        }
        return new DeleteResult(revision(resp.getHeader(), fallbackRevision), resp.getDeleted(), prev);
    }

    /**
     * The results of the branch that ran, in op order. Ops inside a txn carry no header of their own in some etcd
     * versions: they then report the txn's revision.
     */
    static TxnResult txnResult(Rpc.TxnResponse resp, TxnRequest request, long fallbackRevision) {
        long revision = revision(resp.getHeader(), fallbackRevision);
        List<Op> ops = resp.getSucceeded() ? request.success() : request.failure();
        List<OpResult> results = new ArrayList<>(resp.getResponsesCount());
        for (int i = 0; i < resp.getResponsesCount(); i++) {
            Rpc.ResponseOp r = resp.getResponses(i);
            Op op = i < ops.size() ? ops.get(i) : null;
            results.add(switch (r.getResponseCase()) {
                case RESPONSE_RANGE -> rangeResult(r.getResponseRange(),
                        op instanceof Op.Range range ? range.request() : RangeRequest.of(KeyRange.all()), revision);
                case RESPONSE_PUT -> putResult(r.getResponsePut(), revision);
                case RESPONSE_DELETE_RANGE -> deleteResult(r.getResponseDeleteRange(), revision);
                case RESPONSE_TXN -> txnResult(r.getResponseTxn(),
                        op instanceof Op.Txn t ? t.request() : new TxnRequest(null, null, null), revision);
                default -> throw new IllegalStateException("etcd answered an op of type " + r.getResponseCase());
            });
        }
        return new TxnResult(revision, resp.getSucceeded(), results);
    }

    static Event event(Mvcc.Event e) {
        Event.Type type = e.getType() == Mvcc.Event.EventType.DELETE ? Event.Type.DELETE : Event.Type.PUT;
        return new Event(type, keyValue(e.getKv(), false), e.hasPrevKv() ? keyValue(e.getPrevKv(), false) : null);
    }

    static long revision(Rpc.ResponseHeader header, long fallback) {
        return header != null && header.getRevision() > 0 ? header.getRevision() : fallback;
    }
}
