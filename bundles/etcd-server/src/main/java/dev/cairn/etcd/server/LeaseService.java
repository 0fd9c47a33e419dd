package dev.cairn.etcd.server;

import com.google.protobuf.ByteString;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.etcd.pb.LeaseGrpc;
import dev.cairn.etcd.pb.Rpc;
import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/** etcd's {@code v3rpc/lease.go}. */
final class LeaseService extends LeaseGrpc.LeaseImplBase {
    private final Datastore datastore;
    private final ResponseHeaders headers;
    private final Replies replies;

    LeaseService(Datastore datastore, ResponseHeaders headers, Replies replies) {
        this.datastore = datastore;
        this.headers = headers;
        this.replies = replies;
    }

    @Override
    public void leaseGrant(Rpc.LeaseGrantRequest r, StreamObserver<Rpc.LeaseGrantResponse> out) {
        replies.reply(out, () -> datastore.leaseGrant(r.getID(), r.getTTL()),
                lease -> Rpc.LeaseGrantResponse.newBuilder().setHeader(headers.current())
                        .setID(lease.id()).setTTL(lease.ttl()).build());
    }

    @Override
    public void leaseRevoke(Rpc.LeaseRevokeRequest r, StreamObserver<Rpc.LeaseRevokeResponse> out) {
        replies.reply(out, () -> datastore.leaseRevoke(r.getID()),
                revision -> Rpc.LeaseRevokeResponse.newBuilder().setHeader(headers.at(revision)).build());
    }

    @Override
    public void leaseTimeToLive(Rpc.LeaseTimeToLiveRequest r, StreamObserver<Rpc.LeaseTimeToLiveResponse> out) {
        replies.reply(out, () -> datastore.leaseTimeToLive(r.getID(), r.getKeys()), lease -> {
            Rpc.LeaseTimeToLiveResponse.Builder b = Rpc.LeaseTimeToLiveResponse.newBuilder()
                    .setHeader(headers.current()).setID(r.getID()).setTTL(lease.ttl())
                    .setGrantedTTL(lease.grantedTtl());
            for (byte[] key : lease.keys()) {
                b.addKeys(ByteString.copyFrom(key));
            }
            return b.build();
        });
    }

    @Override
    public void leaseLeases(Rpc.LeaseLeasesRequest r, StreamObserver<Rpc.LeaseLeasesResponse> out) {
        replies.reply(out, datastore::leases, ids -> {
            Rpc.LeaseLeasesResponse.Builder b = Rpc.LeaseLeasesResponse.newBuilder().setHeader(headers.current());
            for (long id : ids) {
                b.addLeases(Rpc.LeaseStatus.newBuilder().setID(id));
            }
            return b.build();
        });
    }

    @Override
    public StreamObserver<Rpc.LeaseKeepAliveRequest> leaseKeepAlive(
            StreamObserver<Rpc.LeaseKeepAliveResponse> responses) {
        return new KeepAliveStream((ServerCallStreamObserver<Rpc.LeaseKeepAliveResponse>) responses);
    }

    /**
     * One keepalive stream. Requests are taken one at a time (manual inbound flow control) and the next one only
     * once the client reads our answers, so neither side can make the other buffer without bound.
     */
    private final class KeepAliveStream implements StreamObserver<Rpc.LeaseKeepAliveRequest> {
        private final ServerCallStreamObserver<Rpc.LeaseKeepAliveResponse> out;
        private final Object lock = new Object();
        private boolean awaitingReady;
        private boolean inFlight;
        private boolean halfClosed;
        private boolean done;

        KeepAliveStream(ServerCallStreamObserver<Rpc.LeaseKeepAliveResponse> out) {
            this.out = out;
            out.disableAutoRequest();
            out.setOnCancelHandler(() -> {
                synchronized (lock) {
                    done = true;
                }
            });
            out.setOnReadyHandler(this::requestNextIfReady);
            Context.current().addListener(this::onContextCancelled, replies.executor());
            out.request(1);
        }

        @Override
        public void onNext(Rpc.LeaseKeepAliveRequest request) {
            Rpc.ResponseHeader header;
            CompletableFuture<Long> renewal;
            try {
                // The header is taken before the renewal, as etcd does, so its revision never runs ahead of it.
                header = headers.current();
                synchronized (lock) {
                    inFlight = true;
                }
                renewal = datastore.leaseKeepAlive(request.getID());
            } catch (RuntimeException | LinkageError e) {
                renewal = CompletableFuture.failedFuture(e);
                header = null;
            }
            Rpc.ResponseHeader renewedHeader = header;
            renewal.whenCompleteAsync((ttl, error) -> {
                synchronized (lock) {
                    if (done) {
                        return;
                    }
                    if (error != null) {
                        done = true;
                        Replies.fail(out, error);
                        return;
                    }
                    out.onNext(Rpc.LeaseKeepAliveResponse.newBuilder().setHeader(renewedHeader)
                            .setID(request.getID()).setTTL(ttl).build());
                    inFlight = false;
                    if (halfClosed) {
                        done = true;
                        out.onCompleted();
                        return;
                    }
                    awaitingReady = true;
                }
                requestNextIfReady();
            }, replies.executor());
        }

        private void requestNextIfReady() {
            synchronized (lock) {
                if (done || !awaitingReady || !out.isReady()) {
                    return;
                }
                awaitingReady = false;
            }
            out.request(1);
        }

        @Override
        public void onError(Throwable t) {
            synchronized (lock) {
                done = true;
            }
        }

        @Override
        public void onCompleted() {
            synchronized (lock) {
                if (done) {
                    return;
                }
                if (inFlight) {
                    // Answer the renewal in progress first; its completion ends the stream.
                    halfClosed = true;
                    return;
                }
                done = true;
                out.onCompleted();
            }
        }

        /** Leadership loss (see {@link LeaderRequirement}) ends the stream with etcd's "no leader". */
        private void onContextCancelled(Context context) {
            synchronized (lock) {
                if (done) {
                    return;
                }
                done = true;
                if (LeaderRequirement.lostLeader(context)) {
                    out.onError(GrpcErrors.NO_LEADER);
                }
            }
        }
    }
}
