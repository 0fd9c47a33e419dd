package dev.cairn.etcd.server;

import com.google.protobuf.ByteString;
import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.Op;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.RangeResult;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.api.TxnResult;
import dev.cairn.etcd.pb.ElectionGrpc;
import dev.cairn.etcd.pb.Electionpb;
import dev.cairn.etcd.pb.Mvcc;
import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * etcd's {@code v3election} service, which runs clientv3's {@code concurrency.Election} on the server. A campaign
 * puts {@code name/<lease hex>} with the caller's lease and value; the leader is the key under the name with the
 * smallest create revision.
 */
final class ElectionService extends ElectionGrpc.ElectionImplBase {
    private final Recipes recipes;
    private final ResponseHeaders headers;
    private final Replies replies;

    ElectionService(Recipes recipes, ResponseHeaders headers, Replies replies) {
        this.recipes = recipes;
        this.headers = headers;
        this.replies = replies;
    }

    private static byte[] prefix(ByteString name) {
        return Recipes.concat(name.toByteArray(), new byte[] {'/'});
    }

    private record Leadership(byte[] key, long revision, long lease, long headerRevision) {
    }

    @Override
    public void campaign(Electionpb.CampaignRequest r, StreamObserver<Electionpb.CampaignResponse> out) {
        Context context = Context.current();
        byte[] prefix = prefix(r.getName());
        byte[] value = r.getValue().toByteArray();
        replies.reply(out, () -> recipes.sessionLease(r.getLease())
                .thenCompose(lease -> campaign(prefix, Recipes.ownKey(prefix, lease), lease, value, context)),
                l -> Electionpb.CampaignResponse.newBuilder().setHeader(headers.at(l.headerRevision))
                        .setLeader(Electionpb.LeaderKey.newBuilder().setName(r.getName())
                                .setKey(ByteString.copyFrom(l.key)).setRev(l.revision).setLease(l.lease))
                        .build());
    }

    /** {@code Election.Campaign}. */
    private CompletableFuture<Leadership> campaign(byte[] prefix, byte[] key, long lease, byte[] value,
            Context context) {
        TxnRequest enter = new TxnRequest(List.of(Recipes.createRevisionIs(key, 0)),
                List.of(new Op.Put(PutRequest.of(key, value, lease))),
                List.of(new Op.Range(RangeRequest.of(KeyRange.single(key)))));
        return recipes.datastore().txn(enter).thenCompose((TxnResult t) -> {
            if (t.succeeded()) {
                return CompletableFuture.completedFuture(new Leadership(key, t.revision(), lease, t.revision()));
            }
            KeyValue mine = ((RangeResult) t.results().get(0)).kvs().get(0);
            Leadership l = new Leadership(key, mine.createRevision(), lease, t.revision());
            if (Arrays.equals(mine.value(), value)) {
                return CompletableFuture.completedFuture(l);
            }
            return proclaim(l.key, l.revision, lease, value).handle((rev, error) -> {
                if (error != null) {
                    resign(l.key, l.revision);
                    throw new CompletionException(error);
                }
                return l;
            });
        }).thenCompose(l -> recipes.waitDeletes(prefix, l.revision - 1, context).handle((rev, error) -> {
            if (error != null) {
                if (context.isCancelled() || error instanceof CancellationException
                        || error.getCause() instanceof CancellationException) {
                    resign(l.key, l.revision);
                }
                throw new CompletionException(error);
            }
            return l;
        }));
    }

    @Override
    public void proclaim(Electionpb.ProclaimRequest r, StreamObserver<Electionpb.ProclaimResponse> out) {
        replies.reply(out, () -> {
            if (!r.hasLeader()) {
                throw GrpcErrors.MISSING_LEADER_KEY;
            }
            Electionpb.LeaderKey l = r.getLeader();
            return recipes.sessionLease(l.getLease()).thenCompose(lease -> proclaim(l.getKey().toByteArray(),
                    l.getRev(), lease, r.getValue().toByteArray()));
        }, revision -> Electionpb.ProclaimResponse.newBuilder().setHeader(headers.at(revision)).build());
    }

    /** {@code Election.Proclaim}: the new value goes in only while the key is still the one that won. */
    private CompletableFuture<Long> proclaim(byte[] key, long revision, long lease, byte[] value) {
        TxnRequest update = new TxnRequest(List.of(Recipes.createRevisionIs(key, revision)),
                List.of(new Op.Put(PutRequest.of(key, value, lease))), List.of());
        return recipes.datastore().txn(update).thenApply(t -> {
            if (!t.succeeded()) {
                throw GrpcErrors.ELECTION_NOT_LEADER;
            }
            return t.revision();
        });
    }

    @Override
    public void resign(Electionpb.ResignRequest r, StreamObserver<Electionpb.ResignResponse> out) {
        replies.reply(out, () -> {
            if (!r.hasLeader()) {
                throw GrpcErrors.MISSING_LEADER_KEY;
            }
            return resign(r.getLeader().getKey().toByteArray(), r.getLeader().getRev());
        }, revision -> Electionpb.ResignResponse.newBuilder().setHeader(headers.at(revision)).build());
    }

    /** {@code Election.Resign}: deletes the key only if it is still the one that won. */
    private CompletableFuture<Long> resign(byte[] key, long revision) {
        TxnRequest leave = new TxnRequest(List.of(Recipes.createRevisionIs(key, revision)),
                List.of(new Op.Delete(dev.cairn.datastore.api.DeleteRequest.of(KeyRange.single(key)))), List.of());
        return recipes.datastore().txn(leave).thenApply(TxnResult::revision);
    }

    @Override
    public void leader(Electionpb.LeaderRequest r, StreamObserver<Electionpb.LeaderResponse> out) {
        replies.reply(out, () -> recipes.datastore().range(Recipes.firstCreated(prefix(r.getName()))), res -> {
            if (res.kvs().isEmpty()) {
                throw GrpcErrors.ELECTION_NO_LEADER;
            }
            return Electionpb.LeaderResponse.newBuilder().setHeader(headers.at(res.revision()))
                    .setKv(ProtoMapper.keyValue(res.kvs().get(0))).build();
        });
    }

    @Override
    public void observe(Electionpb.LeaderRequest r, StreamObserver<Electionpb.LeaderResponse> responses) {
        new Observation(prefix(r.getName()), (ServerCallStreamObserver<Electionpb.LeaderResponse>) responses,
                Context.current(), replies.executor()).start();
    }

    /**
     * {@code Election.Observe}: sends the current leader, then every new value it proclaims, and when its key is
     * deleted starts over with whoever leads next (waiting for a first campaigner if there is none).
     */
    private final class Observation {
        private final byte[] prefix;
        private final ServerCallStreamObserver<Electionpb.LeaderResponse> out;
        private final Context context;
        private final OrderedSender<Electionpb.LeaderResponse> sender;

        Observation(byte[] prefix, ServerCallStreamObserver<Electionpb.LeaderResponse> out, Context context,
                Executor executor) {
            this.prefix = prefix;
            this.out = out;
            this.context = context;
            this.sender = new OrderedSender<>(out, executor);
            out.setOnCancelHandler(sender::close);
        }

        void start() {
            recipes.datastore().range(Recipes.firstCreated(prefix)).whenComplete((res, error) -> {
                if (error != null) {
                    sender.fail(error);
                } else if (res.kvs().isEmpty()) {
                    awaitFirstCampaigner(res.revision());
                } else {
                    send(res.kvs().get(0), res.revision());
                    follow(res.kvs().get(0).key(), res.revision() + 1);
                }
            });
        }

        private void awaitFirstCampaigner(long fromRevision) {
            recipes.watchUntil(KeyRange.prefix(prefix), fromRevision, context,
                    (e, revision) -> e.type() == Event.Type.PUT ? e.kv() : null).whenComplete((kv, error) -> {
                        if (error != null) {
                            sender.fail(error);
                        } else if (kv == null) {
                            start();
                        } else {
                            send(kv, kv.modRevision());
                            follow(kv.key(), kv.modRevision() + 1);
                        }
                    });
        }

        /** Streams the leader key's new values until it is deleted, then starts over. */
        private void follow(byte[] key, long fromRevision) {
            recipes.watchUntil(KeyRange.single(key), fromRevision, context, (e, revision) -> {
                if (e.type() == Event.Type.DELETE) {
                    return Boolean.TRUE;
                }
                send(e.kv(), revision);
                return null;
            }).whenComplete((deleted, error) -> {
                        if (error != null) {
                            sender.fail(error);
                        } else {
                            start();
                        }
                    });
        }

        private void send(KeyValue kv, long revision) {
            Mvcc.KeyValue pkv = ProtoMapper.keyValue(kv);
            sender.send(Electionpb.LeaderResponse.newBuilder().setHeader(headers.at(revision)).setKv(pkv).build());
        }
    }
}
