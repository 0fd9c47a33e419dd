package dev.cairn.etcd.server;

import com.google.protobuf.ByteString;
import dev.cairn.datastore.api.Alarm;
import dev.cairn.datastore.api.Compare;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.DeleteResult;
import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.Member;
import dev.cairn.datastore.api.Op;
import dev.cairn.datastore.api.OpResult;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.RangeResult;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.api.TxnResult;
import dev.cairn.etcd.pb.Mvcc;
import dev.cairn.etcd.pb.Rpc;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;

/** Every conversion between etcd's protobuf messages and the datastore API, in one place. */
final class ProtoMapper {

    private ProtoMapper() {
    }

    // ---- requests: proto -> API ----

    static KeyRange range(ByteString key, ByteString end) {
        return new KeyRange(key.toByteArray(), end.toByteArray());
    }

    /** The sort options must have been checked ({@link #hasValidSort}). */
    static RangeRequest rangeRequest(Rpc.RangeRequest r) {
        return new RangeRequest(range(r.getKey(), r.getRangeEnd()), r.getRevision(), r.getLimit(),
                RangeRequest.SortOrder.values()[r.getSortOrderValue()],
                RangeRequest.SortTarget.values()[r.getSortTargetValue()], r.getSerializable(), r.getKeysOnly(),
                r.getCountOnly(), r.getMinModRevision(), r.getMaxModRevision(), r.getMinCreateRevision(),
                r.getMaxCreateRevision());
    }

    /** True when the sort order and target are values etcd knows (protobuf keeps unknown enum numbers). */
    static boolean hasValidSort(Rpc.RangeRequest r) {
        int order = r.getSortOrderValue();
        int target = r.getSortTargetValue();
        return order >= 0 && order < RangeRequest.SortOrder.values().length
                && target >= 0 && target < RangeRequest.SortTarget.values().length;
    }

    static PutRequest putRequest(Rpc.PutRequest r) {
        return new PutRequest(r.getKey().toByteArray(), r.getValue().toByteArray(), r.getLease(), r.getPrevKv(),
                r.getIgnoreValue(), r.getIgnoreLease());
    }

    static DeleteRequest deleteRequest(Rpc.DeleteRangeRequest r) {
        return new DeleteRequest(range(r.getKey(), r.getRangeEnd()), r.getPrevKv());
    }

    /** Nested txns included; an empty request op is etcd's "key not found". */
    static TxnRequest txnRequest(Rpc.TxnRequest r) {
        List<Compare> compares = new ArrayList<>(r.getCompareCount());
        for (Rpc.Compare c : r.getCompareList()) {
            compares.add(compare(c));
        }
        return new TxnRequest(compares, ops(r.getSuccessList()), ops(r.getFailureList()));
    }

    private static List<Op> ops(List<Rpc.RequestOp> ops) {
        List<Op> out = new ArrayList<>(ops.size());
        for (Rpc.RequestOp op : ops) {
            switch (op.getRequestCase()) {
                case REQUEST_RANGE -> out.add(new Op.Range(rangeRequest(op.getRequestRange())));
                case REQUEST_PUT -> out.add(new Op.Put(putRequest(op.getRequestPut())));
                case REQUEST_DELETE_RANGE -> out.add(new Op.Delete(deleteRequest(op.getRequestDeleteRange())));
                case REQUEST_TXN -> out.add(new Op.Txn(txnRequest(op.getRequestTxn())));
                default -> throw StoreError.KEY_NOT_FOUND.exception();
            }
        }
        return out;
    }

    /**
     * etcd reads the number from the union member matching the target and uses 0 (an empty value) when the client
     * filled another member.
     */
    static Compare compare(Rpc.Compare c) {
        KeyRange range = range(c.getKey(), c.getRangeEnd());
        Compare.Result result = switch (c.getResult()) {
            case EQUAL -> Compare.Result.EQUAL;
            case GREATER -> Compare.Result.GREATER;
            case LESS -> Compare.Result.LESS;
            case NOT_EQUAL -> Compare.Result.NOT_EQUAL;
            default -> throw Status.INVALID_ARGUMENT
                    .withDescription("etcdserver: unknown compare result " + c.getResultValue()).asRuntimeException();
        };
        Rpc.Compare.TargetUnionCase u = c.getTargetUnionCase();
        return switch (c.getTarget()) {
            case VERSION -> Compare.number(range, Compare.Target.VERSION, result,
                    u == Rpc.Compare.TargetUnionCase.VERSION ? c.getVersion() : 0);
            case CREATE -> Compare.number(range, Compare.Target.CREATE, result,
                    u == Rpc.Compare.TargetUnionCase.CREATE_REVISION ? c.getCreateRevision() : 0);
            case MOD -> Compare.number(range, Compare.Target.MOD, result,
                    u == Rpc.Compare.TargetUnionCase.MOD_REVISION ? c.getModRevision() : 0);
            case LEASE -> Compare.number(range, Compare.Target.LEASE, result,
                    u == Rpc.Compare.TargetUnionCase.LEASE ? c.getLease() : 0);
            case VALUE -> Compare.value(range, result,
                    u == Rpc.Compare.TargetUnionCase.VALUE ? c.getValue().toByteArray() : new byte[0]);
            default -> throw Status.INVALID_ARGUMENT
                    .withDescription("etcdserver: unknown compare target " + c.getTargetValue()).asRuntimeException();
        };
    }

    // ---- results: API -> proto ----

    static Mvcc.KeyValue keyValue(KeyValue kv) {
        Mvcc.KeyValue.Builder b = Mvcc.KeyValue.newBuilder()
                .setKey(ByteString.copyFrom(kv.key()))
                .setCreateRevision(kv.createRevision())
                .setModRevision(kv.modRevision())
                .setVersion(kv.version())
                .setLease(kv.lease());
        if (kv.value() != null) {
            b.setValue(ByteString.copyFrom(kv.value()));
        }
        return b.build();
    }

    static Mvcc.Event event(Event e) {
        Mvcc.Event.Builder b = Mvcc.Event.newBuilder()
                .setType(e.type() == Event.Type.PUT ? Mvcc.Event.EventType.PUT : Mvcc.Event.EventType.DELETE)
                .setKv(keyValue(e.kv()));
        if (e.prevKv() != null) {
            b.setPrevKv(keyValue(e.prevKv()));
        }
        return b.build();
    }

    static Rpc.RangeResponse rangeResponse(RangeResult r, Rpc.ResponseHeader header) {
        Rpc.RangeResponse.Builder b = Rpc.RangeResponse.newBuilder()
                .setHeader(header).setMore(r.more()).setCount(r.count());
        for (KeyValue kv : r.kvs()) {
            b.addKvs(keyValue(kv));
        }
        return b.build();
    }

    static Rpc.PutResponse putResponse(PutResult r, Rpc.ResponseHeader header) {
        Rpc.PutResponse.Builder b = Rpc.PutResponse.newBuilder().setHeader(header);
        if (r.prevKv() != null) {
            b.setPrevKv(keyValue(r.prevKv()));
        }
        return b.build();
    }

    static Rpc.DeleteRangeResponse deleteResponse(DeleteResult r, Rpc.ResponseHeader header) {
        Rpc.DeleteRangeResponse.Builder b = Rpc.DeleteRangeResponse.newBuilder()
                .setHeader(header).setDeleted(r.deleted());
        for (KeyValue kv : r.prevKvs()) {
            b.addPrevKvs(keyValue(kv));
        }
        return b.build();
    }

    /**
     * As etcd's {@code applyTxn}: sub-responses of ranges, puts and deletes carry only their revision; a nested txn
     * carries an empty header (etcd fills only the top-level one).
     */
    static Rpc.TxnResponse txnResponse(TxnResult r, Rpc.ResponseHeader header) {
        Rpc.TxnResponse.Builder b = Rpc.TxnResponse.newBuilder().setHeader(header).setSucceeded(r.succeeded());
        for (OpResult sub : r.results()) {
            b.addResponses(responseOp(sub));
        }
        return b.build();
    }

    private static Rpc.ResponseOp responseOp(OpResult r) {
        Rpc.ResponseOp.Builder b = Rpc.ResponseOp.newBuilder();
        if (r instanceof RangeResult range) {
            b.setResponseRange(rangeResponse(range, ResponseHeaders.revisionOnly(range.revision())));
        } else if (r instanceof PutResult put) {
            b.setResponsePut(putResponse(put, ResponseHeaders.revisionOnly(put.revision())));
        } else if (r instanceof DeleteResult delete) {
            b.setResponseDeleteRange(deleteResponse(delete, ResponseHeaders.revisionOnly(delete.revision())));
        } else if (r instanceof TxnResult txn) {
            b.setResponseTxn(txnResponse(txn, Rpc.ResponseHeader.getDefaultInstance()));
        }
        return b.build();
    }

    static Rpc.Member member(Member m) {
        return Rpc.Member.newBuilder()
                .setID(m.id())
                .setName(m.name())
                .addAllPeerURLs(m.peerUrls())
                .addAllClientURLs(m.clientUrls())
                .setIsLearner(m.learner())
                .build();
    }

    static Rpc.AlarmMember alarm(Alarm a) {
        return Rpc.AlarmMember.newBuilder().setMemberID(a.memberId()).setAlarm(alarmType(a.type())).build();
    }

    static Rpc.AlarmType alarmType(Alarm.Type t) {
        return t == Alarm.Type.NOSPACE ? Rpc.AlarmType.NOSPACE : Rpc.AlarmType.CORRUPT;
    }

    /** The API's alarm type for a proto one; null for NONE (meaning "any"). */
    static Alarm.Type alarmType(Rpc.AlarmType t) {
        return switch (t) {
            case NOSPACE -> Alarm.Type.NOSPACE;
            case CORRUPT -> Alarm.Type.CORRUPT;
            default -> null;
        };
    }
}
