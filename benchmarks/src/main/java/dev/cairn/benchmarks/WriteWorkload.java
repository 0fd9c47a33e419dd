package dev.cairn.benchmarks;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The writes of put, txn-put and fill: which keys request {@code i} writes, and the request that writes them.
 * Every request carries the same value bytes (random, made once), as in etcd's benchmark.
 */
final class WriteWorkload {

    /** etcd's limit on operations in one Txn (--max-txn-ops default). */
    static final int MAX_TXN_OPS = 128;

    private final KeyFormat keys;
    private final KeyFormat warmupKeys;
    private final long keySpace;
    private final boolean sequential;
    private final int opsPerRequest;
    private final long keyLimit;
    private final ByteString value;

    /**
     * @param keySpace      distinct key numbers; request keys are taken modulo this
     * @param opsPerRequest puts per request: 1 sends plain Put, more send one Txn of that many puts
     * @param keyLimit      fill only: no key number at or beyond this is written (the last Txn is shorter)
     */
    WriteWorkload(String keyPrefix, int keySize, long keySpace, boolean sequential, int opsPerRequest,
            long keyLimit, int valueSize) {
        if (keySpace < 1) {
            throw new IllegalArgumentException("--key-space-size must be at least 1, was " + keySpace);
        }
        if (opsPerRequest < 1 || opsPerRequest > MAX_TXN_OPS) {
            throw new IllegalArgumentException("--txn-ops must be between 1 and " + MAX_TXN_OPS
                    + " (etcd's --max-txn-ops), was " + opsPerRequest);
        }
        if (opsPerRequest > keySpace) {
            throw new IllegalArgumentException("--txn-ops " + opsPerRequest + " exceeds --key-space-size "
                    + keySpace + ": a Txn would put the same key twice; raise --key-space-size");
        }
        if (valueSize < 0) {
            throw new IllegalArgumentException("--val-size must not be negative, was " + valueSize);
        }
        this.keys = new KeyFormat(keyPrefix, keySize);
        this.keys.checkFits(keySpace - 1, "--key-space-size " + keySpace);
        this.warmupKeys = new KeyFormat(keyPrefix + "warmup/", keySize);
        this.keySpace = keySpace;
        this.sequential = sequential;
        this.opsPerRequest = opsPerRequest;
        this.keyLimit = keyLimit;
        this.value = randomBytes(valueSize);
    }

    static ByteString randomBytes(int size) {
        byte[] bytes = new byte[size];
        ThreadLocalRandom.current().nextBytes(bytes);
        return UnsafeByteOperations.unsafeWrap(bytes);
    }

    RequestSender<PutResponse> putSender(KVGrpc.KVStub stub) {
        PutRequest.Builder request = PutRequest.newBuilder().setValue(value);
        return (index, done) -> stub.put(request.setKey(key(index, 0)).build(), done);
    }

    RequestSender<TxnResponse> txnSender(KVGrpc.KVStub stub) {
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        PutRequest.Builder put = PutRequest.newBuilder().setValue(value);
        return (index, done) -> {
            txn.clearSuccess();
            for (int op = 0; op < opsPerRequest; op++) {
                if (index >= 0 && index * opsPerRequest + op >= keyLimit) {
                    break;
                }
                txn.addSuccess(RequestOp.newBuilder().setRequestPut(put.setKey(key(index, op))));
            }
            stub.txn(txn.build(), done);
        };
    }

    /** Requests needed to write {@code keyCount} keys with this many puts per request. */
    long requestsFor(long keyCount) {
        return (keyCount + opsPerRequest - 1) / opsPerRequest;
    }

    private ByteString key(long index, int op) {
        if (index < 0) {
            return warmupKeys.key(Math.floorMod((-index - 1) * opsPerRequest + op, keySpace));
        }
        return keys.key(keyNumber(index, op));
    }

    private long keyNumber(long index, int op) {
        if (opsPerRequest == 1 && !sequential) {
            return ThreadLocalRandom.current().nextLong(keySpace);
        }
        return Math.floorMod(index * opsPerRequest + op, keySpace);
    }
}
