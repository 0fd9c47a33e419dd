package dev.cairn.etcd.server;

import com.google.protobuf.MessageLite;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.api.TxnRules;
import dev.cairn.etcd.pb.KVGrpc;
import dev.cairn.etcd.pb.Rpc;
import io.grpc.stub.StreamObserver;
import java.util.List;

/** etcd's {@code v3rpc/key.go}: validate as etcd does, call the datastore, fill the header. */
final class KvService extends KVGrpc.KVImplBase {
    private final Datastore datastore;
    private final ResponseHeaders headers;
    private final Replies replies;
    private final int maxRequestBytes;

    KvService(Datastore datastore, ResponseHeaders headers, Replies replies, int maxRequestBytes) {
        this.datastore = datastore;
        this.headers = headers;
        this.replies = replies;
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    public void range(Rpc.RangeRequest r, StreamObserver<Rpc.RangeResponse> out) {
        replies.reply(out, () -> {
            checkRange(r);
            return datastore.range(ProtoMapper.rangeRequest(r));
        }, result -> ProtoMapper.rangeResponse(result, headers.at(result.revision())));
    }

    @Override
    public void put(Rpc.PutRequest r, StreamObserver<Rpc.PutResponse> out) {
        replies.reply(out, () -> {
            var request = ProtoMapper.putRequest(r);
            TxnRules.checkPut(request);
            checkSize(r);
            return datastore.put(request);
        }, result -> ProtoMapper.putResponse(result, headers.at(result.revision())));
    }

    @Override
    public void deleteRange(Rpc.DeleteRangeRequest r, StreamObserver<Rpc.DeleteRangeResponse> out) {
        replies.reply(out, () -> {
            var request = ProtoMapper.deleteRequest(r);
            TxnRules.checkDelete(request);
            checkSize(r);
            return datastore.delete(request);
        }, result -> ProtoMapper.deleteResponse(result, headers.at(result.revision())));
    }

    @Override
    public void txn(Rpc.TxnRequest r, StreamObserver<Rpc.TxnResponse> out) {
        replies.reply(out, () -> {
            checkTxn(r, TxnRules.MAX_TXN_OPS);
            TxnRequest request = ProtoMapper.txnRequest(r);
            TxnRules.checkTxn(request);
            if (request.mayWrite()) {
                // etcd limits only what it proposes through raft: read-only txns are served as reads.
                checkSize(r);
            }
            return datastore.txn(request);
        }, result -> ProtoMapper.txnResponse(result, headers.at(result.revision())));
    }

    @Override
    public void compact(Rpc.CompactionRequest r, StreamObserver<Rpc.CompactionResponse> out) {
        replies.reply(out, () -> datastore.compact(r.getRevision(), r.getPhysical()),
                revision -> Rpc.CompactionResponse.newBuilder().setHeader(headers.at(revision)).build());
    }

    /** etcd's {@code checkRangeRequest}. */
    static void checkRange(Rpc.RangeRequest r) {
        if (r.getKey().isEmpty()) {
            throw StoreError.EMPTY_KEY.exception();
        }
        if (!ProtoMapper.hasValidSort(r)) {
            throw GrpcErrors.INVALID_SORT;
        }
    }

    /**
     * etcd's {@code checkTxnRequest}, on the wire form: op counts are checked before anything inside them, so a
     * txn with too many ops is refused as such even when one of its ops is empty. Duplicate writes are checked
     * afterwards by {@link TxnRules#checkTxn}.
     */
    private static void checkTxn(Rpc.TxnRequest r, int maxOps) {
        int ops = Math.max(r.getCompareCount(), Math.max(r.getSuccessCount(), r.getFailureCount()));
        if (ops > maxOps) {
            throw StoreError.TOO_MANY_OPS.exception();
        }
        for (Rpc.Compare c : r.getCompareList()) {
            if (c.getKey().isEmpty()) {
                throw StoreError.EMPTY_KEY.exception();
            }
        }
        checkOps(r.getSuccessList(), maxOps - ops);
        checkOps(r.getFailureList(), maxOps - ops);
    }

    private static void checkOps(List<Rpc.RequestOp> ops, int remaining) {
        for (Rpc.RequestOp op : ops) {
            switch (op.getRequestCase()) {
                case REQUEST_RANGE -> checkRange(op.getRequestRange());
                case REQUEST_PUT -> TxnRules.checkPut(ProtoMapper.putRequest(op.getRequestPut()));
                case REQUEST_DELETE_RANGE -> {
                    if (op.getRequestDeleteRange().getKey().isEmpty()) {
                        throw StoreError.EMPTY_KEY.exception();
                    }
                }
                case REQUEST_TXN -> checkTxn(op.getRequestTxn(), remaining);
                default -> throw StoreError.KEY_NOT_FOUND.exception();
            }
        }
    }

    /**
     * etcd refuses a write whose proposal would exceed {@code --max-request-bytes}; it checks this after the
     * request's own validation, when it proposes the request.
     */
    private void checkSize(MessageLite request) {
        if (request.getSerializedSize() > maxRequestBytes) {
            throw GrpcErrors.REQUEST_TOO_LARGE;
        }
    }
}
