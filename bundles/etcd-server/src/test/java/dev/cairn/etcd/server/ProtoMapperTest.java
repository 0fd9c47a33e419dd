package dev.cairn.etcd.server;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.google.protobuf.ByteString;
import dev.cairn.datastore.api.Compare;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.Op;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.api.RangeResult;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.TxnResult;
import dev.cairn.etcd.pb.Rpc;
import java.time.Duration;
import java.util.List;
import org.junit.Test;

/** Conversions and small rules that need no server. */
public class ProtoMapperTest {

    @Test
    public void aCompareReadsTheUnionMemberOfItsTargetAndZeroOtherwise() {
        Rpc.Compare mod = Rpc.Compare.newBuilder().setKey(ByteString.copyFromUtf8("k"))
                .setTarget(Rpc.Compare.CompareTarget.MOD).setModRevision(7).build();
        assertEquals(7, ProtoMapper.compare(mod).number());
        Rpc.Compare mismatched = mod.toBuilder().setVersion(3).build();
        assertEquals(0, ProtoMapper.compare(mismatched).number());
        Rpc.Compare lease = Rpc.Compare.newBuilder().setKey(ByteString.copyFromUtf8("k"))
                .setTarget(Rpc.Compare.CompareTarget.LEASE).setResult(Rpc.Compare.CompareResult.NOT_EQUAL)
                .setLease(42).build();
        Compare c = ProtoMapper.compare(lease);
        assertEquals(Compare.Target.LEASE, c.target());
        assertEquals(Compare.Result.NOT_EQUAL, c.result());
        assertEquals(42, c.number());
        Rpc.Compare value = Rpc.Compare.newBuilder().setKey(ByteString.copyFromUtf8("k"))
                .setTarget(Rpc.Compare.CompareTarget.VALUE).build();
        assertArrayEquals(new byte[0], ProtoMapper.compare(value).value());
    }

    @Test
    public void anEmptyRequestOpIsEtcdsKeyNotFound() {
        Rpc.TxnRequest txn = Rpc.TxnRequest.newBuilder().addSuccess(Rpc.RequestOp.getDefaultInstance()).build();
        try {
            ProtoMapper.txnRequest(txn);
            fail();
        } catch (DatastoreException e) {
            assertEquals(StoreError.KEY_NOT_FOUND, e.error());
        }
    }

    @Test
    public void nestedTxnsAreConverted() {
        Rpc.TxnRequest inner = Rpc.TxnRequest.newBuilder().addFailure(Rpc.RequestOp.newBuilder().setRequestPut(
                Rpc.PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")))).build();
        Rpc.TxnRequest outer = Rpc.TxnRequest.newBuilder()
                .addSuccess(Rpc.RequestOp.newBuilder().setRequestTxn(inner)).build();
        Op.Txn nested = (Op.Txn) ProtoMapper.txnRequest(outer).success().get(0);
        assertTrue(nested.request().failure().get(0) instanceof Op.Put);
    }

    @Test
    public void txnSubResponsesCarryOnlyTheirRevisionAndNestedTxnsAnEmptyHeader() {
        KeyValue kv = new KeyValue(new byte[] {'k'}, 2, 3, 1, new byte[] {'v'}, 0);
        TxnResult nested = new TxnResult(3, true, List.of());
        TxnResult top = new TxnResult(3, true, List.of(new RangeResult(3, List.of(kv), 1, false),
                new PutResult(3, null), nested));
        Rpc.ResponseHeader header = Rpc.ResponseHeader.newBuilder().setClusterId(1).setMemberId(2).setRevision(3)
                .setRaftTerm(4).build();
        Rpc.TxnResponse r = ProtoMapper.txnResponse(top, header);
        assertEquals(header, r.getHeader());
        assertEquals(Rpc.ResponseHeader.newBuilder().setRevision(3).build(),
                r.getResponses(0).getResponseRange().getHeader());
        assertEquals(Rpc.ResponseHeader.newBuilder().setRevision(3).build(),
                r.getResponses(1).getResponsePut().getHeader());
        assertEquals(Rpc.ResponseHeader.getDefaultInstance(), r.getResponses(2).getResponseTxn().getHeader());
        assertFalse(r.getResponses(1).getResponsePut().hasPrevKv());
    }

    @Test
    public void sortOptionsOutsideEtcdsEnumsAreInvalid() {
        Rpc.RangeRequest ok = Rpc.RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k"))
                .setSortOrder(Rpc.RangeRequest.SortOrder.DESCEND).setSortTarget(Rpc.RangeRequest.SortTarget.VALUE)
                .build();
        assertTrue(ProtoMapper.hasValidSort(ok));
        assertFalse(ProtoMapper.hasValidSort(ok.toBuilder().setSortTargetValue(5).build()));
        assertFalse(ProtoMapper.hasValidSort(ok.toBuilder().setSortOrderValue(-1).build()));
    }

    @Test
    public void durationsAreGoStyle() {
        assertEquals(Duration.ofMillis(250), ServerSettings.parseDuration("250ms", "x"));
        assertEquals(Duration.ofMinutes(10), ServerSettings.parseDuration("10m", "x"));
        try {
            ServerSettings.parseDuration("ten", "cairn.etcd.watch-progress-notify-interval");
            fail();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("cairn.etcd.watch-progress-notify-interval: 'ten'"));
        }
    }

    @Test
    public void alarmsAreShownAsGoPrintsThemInStatusErrors() {
        assertEquals("memberID:12 alarm:NOSPACE ", MaintenanceService.alarmText(
                new dev.cairn.datastore.api.Alarm(12, dev.cairn.datastore.api.Alarm.Type.NOSPACE)));
    }
}
