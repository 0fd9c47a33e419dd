package dev.cairn.etcd.server;

import com.google.protobuf.ByteString;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.Op;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.RangeResult;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.api.TxnResult;
import dev.cairn.etcd.pb.LockGrpc;
import dev.cairn.etcd.pb.Lockpb;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's {@code v3lock} service, which runs clientv3's {@code concurrency.Mutex} on the server: the caller's key is
 * {@code name/<lease hex>}, created with its lease if absent, and the lock is held once no key under the name has a
 * smaller create revision.
 */
final class LockService extends LockGrpc.LockImplBase {
    private final Recipes recipes;
    private final ResponseHeaders headers;
    private final Replies replies;

    LockService(Recipes recipes, ResponseHeaders headers, Replies replies) {
        this.recipes = recipes;
        this.headers = headers;
        this.replies = replies;
    }

    @Override
    public void lock(Lockpb.LockRequest r, StreamObserver<Lockpb.LockResponse> out) {
        Context context = Context.current();
        byte[] prefix = Recipes.concat(r.getName().toByteArray(), new byte[] {'/'});
        replies.reply(out, () -> recipes.sessionLease(r.getLease())
                .thenCompose(lease -> acquire(prefix, Recipes.ownKey(prefix, lease), lease, context)),
                held -> Lockpb.LockResponse.newBuilder().setHeader(headers.at(held.revision))
                        .setKey(ByteString.copyFrom(held.key)).build());
    }

    @Override
    public void unlock(Lockpb.UnlockRequest r, StreamObserver<Lockpb.UnlockResponse> out) {
        replies.reply(out, () -> recipes.delete(r.getKey().toByteArray()),
                revision -> Lockpb.UnlockResponse.newBuilder().setHeader(headers.at(revision)).build());
    }

    private record Held(byte[] key, long revision) {
    }

    /** {@code Mutex.Lock}: try to acquire; if someone older holds it, wait for every older key to go. */
    private CompletableFuture<Held> acquire(byte[] prefix, byte[] key, long lease, Context context) {
        TxnRequest tryAcquire = new TxnRequest(
                List.of(Recipes.createRevisionIs(key, 0)),
                List.of(new Op.Put(PutRequest.of(key, new byte[0], lease)),
                        new Op.Range(Recipes.firstCreated(prefix))),
                List.of(new Op.Range(RangeRequest.of(KeyRange.single(key))),
                        new Op.Range(Recipes.firstCreated(prefix))));
        return recipes.datastore().txn(tryAcquire).thenCompose((TxnResult t) -> {
            long myRevision = t.succeeded()
                    ? t.revision()
                    : ((RangeResult) t.results().get(0)).kvs().get(0).createRevision();
            RangeResult owner = (RangeResult) t.results().get(1);
            if (owner.kvs().isEmpty() || owner.kvs().get(0).createRevision() == myRevision) {
                return CompletableFuture.completedFuture(new Held(key, t.revision()));
            }
            return recipes.waitDeletes(prefix, myRevision - 1, context)
                    .thenCompose(rev -> recipes.datastore().range(RangeRequest.of(KeyRange.single(key))))
                    .handle((RangeResult mine, Throwable error) -> {
                        if (error != null) {
                            // Give the place in line back, as Mutex.Lock does when waiting fails.
                            recipes.datastore().delete(DeleteRequest.of(KeyRange.single(key)));
                            throw new java.util.concurrent.CompletionException(error);
                        }
                        if (mine.kvs().isEmpty()) {
                            // The lease expired while waiting.
                            throw GrpcErrors.SESSION_EXPIRED;
                        }
                        return new Held(key, mine.revision());
                    });
        });
    }
}
