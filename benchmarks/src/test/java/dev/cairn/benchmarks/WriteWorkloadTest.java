package dev.cairn.benchmarks;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.Test;

public class WriteWorkloadTest {

    /** A channel that keeps the requests it is given and never answers. */
    private static final class Capture extends Channel {
        final List<Object> requests = new ArrayList<>();

        @Override
        public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
            return new ClientCall<>() {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                }

                @Override
                public void request(int n) {
                }

                @Override
                public void cancel(String message, Throwable cause) {
                }

                @Override
                public void halfClose() {
                }

                @Override
                public void sendMessage(Q message) {
                    requests.add(message);
                }
            };
        }

        @Override
        public String authority() {
            return "capture";
        }
    }

    /** Sender of any response type, answered nowhere (the capture channel never replies). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void send(RequestSender<?> sender, long index) {
        ((RequestSender) sender).send(index, new StreamObserver<Object>() {
            @Override
            public void onNext(Object value) {
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
    }

    @Test
    public void fillWritesEveryKeyOnceAndShortensTheLastTxn() {
        Capture channel = new Capture();
        WriteWorkload fill = new WriteWorkload("fill/", 8, 10, true, 4, 10, 16);
        assertEquals(3, fill.requestsFor(10));
        RequestSender<?> sender = fill.txnSender(KVGrpc.newStub(channel));
        for (long i = 0; i < 3; i++) {
            send(sender, i);
        }
        Set<ByteString> keys = new HashSet<>();
        int puts = 0;
        for (Object request : channel.requests) {
            for (RequestOp op : ((TxnRequest) request).getSuccessList()) {
                keys.add(op.getRequestPut().getKey());
                assertEquals(16, op.getRequestPut().getValue().size());
                puts++;
            }
        }
        assertEquals(10, puts);
        assertEquals(10, keys.size());
        assertEquals(2, ((TxnRequest) channel.requests.get(2)).getSuccessCount());
    }

    @Test
    public void sequentialPutsCycleTheKeySpaceAndWarmupUsesItsOwnKeys() {
        Capture channel = new Capture();
        WriteWorkload put = new WriteWorkload("p/", 8, 3, true, 1, Long.MAX_VALUE, 8);
        RequestSender<?> sender = put.putSender(KVGrpc.newStub(channel));
        for (long i = -2; i < 6; i++) {
            send(sender, i);
        }
        List<String> keys = new ArrayList<>();
        for (Object request : channel.requests) {
            keys.add(((PutRequest) request).getKey().toStringUtf8());
        }
        assertTrue(keys.get(0).startsWith("p/warmup/"));
        assertTrue(keys.get(1).startsWith("p/warmup/"));
        assertEquals(keys.get(2), keys.get(5));
        assertEquals(3, new HashSet<>(keys.subList(2, 8)).size());
    }

    @Test
    public void refusesATxnThatWouldPutAKeyTwice() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WriteWorkload("", 8, 1, true, 8, Long.MAX_VALUE, 8));
        assertEquals("--txn-ops 8 exceeds --key-space-size 1: a Txn would put the same key twice; raise "
                + "--key-space-size", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new WriteWorkload("", 8, 1000, true, 129, 1000, 8));
    }
}
