package dev.cairn.etcd.server;

import dev.cairn.datastore.api.Alarm;
import dev.cairn.datastore.api.ClusterState;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.Member;
import dev.cairn.datastore.api.StoreStatus;
import dev.cairn.etcd.pb.MaintenanceGrpc;
import dev.cairn.etcd.pb.Rpc;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's {@code v3rpc/maintenance.go}. Downgrade is not offered (etcd allows a server to answer Unimplemented).
 * Alarms can be listed and disarmed; activating one by hand needs an API the datastore does not have.
 */
final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceService.class);

    private final Datastore datastore;
    private final ResponseHeaders headers;
    private final Replies replies;
    private final Path snapshotDir;

    MaintenanceService(Datastore datastore, ResponseHeaders headers, Replies replies, Path snapshotDir) {
        this.datastore = datastore;
        this.headers = headers;
        this.replies = replies;
        this.snapshotDir = snapshotDir;
    }

    @Override
    public void status(Rpc.StatusRequest r, StreamObserver<Rpc.StatusResponse> out) {
        replies.now(out, () -> {
            StoreStatus s = datastore.status();
            ClusterState c = datastore.cluster();
            Rpc.StatusResponse.Builder b = Rpc.StatusResponse.newBuilder()
                    .setHeader(headers.current())
                    .setVersion(EtcdVersion.SERVER)
                    .setDbSize(s.dbSize())
                    .setDbSizeInUse(s.dbSizeInUse())
                    .setLeader(c.leaderId())
                    .setRaftIndex(c.raftIndex())
                    .setRaftAppliedIndex(c.appliedIndex())
                    .setRaftTerm(c.raftTerm())
                    .setIsLearner(c.learner());
            if (!c.hasLeader()) {
                b.addErrors(GrpcErrors.NO_LEADER.getStatus().getDescription());
            }
            for (Alarm a : datastore.alarms()) {
                b.addErrors(alarmText(a));
            }
            return b.build();
        });
    }

    /** Go's compact text form of an {@code AlarmMember}, which etcd puts in Status.errors. */
    static String alarmText(Alarm a) {
        return "memberID:" + Long.toUnsignedString(a.memberId()) + " alarm:" + a.type().name() + " ";
    }

    @Override
    public void alarm(Rpc.AlarmRequest r, StreamObserver<Rpc.AlarmResponse> out) {
        replies.now(out, () -> {
            Rpc.AlarmResponse.Builder b = Rpc.AlarmResponse.newBuilder();
            Alarm.Type type = ProtoMapper.alarmType(r.getAlarm());
            switch (r.getAction()) {
                case GET -> {
                    for (Alarm a : datastore.alarms()) {
                        if (type == null || a.type() == type) {
                            b.addAlarms(ProtoMapper.alarm(a));
                        }
                    }
                }
                case DEACTIVATE -> {
                    for (Alarm a : datastore.alarms()) {
                        if (a.memberId() == r.getMemberID() && a.type() == type) {
                            datastore.disarm(type);
                            LOG.info("event=alarm_disarmed alarm={} member={}", type,
                                    Long.toUnsignedString(a.memberId()));
                            b.addAlarms(ProtoMapper.alarm(a));
                            break;
                        }
                    }
                }
                default -> throw GrpcErrors.UNSUPPORTED;
            }
            return b.setHeader(headers.current()).build();
        });
    }

    @Override
    public void defragment(Rpc.DefragmentRequest r, StreamObserver<Rpc.DefragmentResponse> out) {
        replies.reply(out, datastore::defragment,
                done -> Rpc.DefragmentResponse.newBuilder().setHeader(headers.current()).build());
    }

    @Override
    public void hash(Rpc.HashRequest r, StreamObserver<Rpc.HashResponse> out) {
        replies.reply(out, () -> datastore.hashKV(0), h -> Rpc.HashResponse.newBuilder()
                .setHeader(headers.at(h.hashRevision())).setHash((int) h.hash()).build());
    }

    @Override
    public void hashKV(Rpc.HashKVRequest r, StreamObserver<Rpc.HashKVResponse> out) {
        replies.reply(out, () -> datastore.hashKV(r.getRevision()), h -> Rpc.HashKVResponse.newBuilder()
                .setHeader(headers.current()).setHash((int) h.hash()).setCompactRevision(h.compactRevision())
                .build());
    }

    @Override
    public void moveLeader(Rpc.MoveLeaderRequest r, StreamObserver<Rpc.MoveLeaderResponse> out) {
        ClusterState c = datastore.cluster();
        if (c.memberId() != c.leaderId()) {
            Replies.fail(out, GrpcErrors.NOT_LEADER);
            return;
        }
        if (r.getTargetID() == c.memberId()) {
            // The target already leads: etcd's transfer loop ends at once.
            replies.now(out, () -> Rpc.MoveLeaderResponse.newBuilder().setHeader(headers.current()).build());
            return;
        }
        Member target = c.members().stream().filter(m -> m.id() == r.getTargetID()).findFirst().orElse(null);
        if (target == null || target.learner() || datastore.membership().isEmpty()) {
            Replies.fail(out, GrpcErrors.BAD_LEADER_TRANSFEREE);
            return;
        }
        replies.reply(out, () -> datastore.membership().get().moveLeader(r.getTargetID()),
                done -> Rpc.MoveLeaderResponse.newBuilder().setHeader(headers.current()).build());
    }

    /**
     * The snapshot goes to a file first: its size must be known for {@code remaining_bytes}, and the client may
     * read slower than the store writes. It is then streamed in 32 KiB chunks as the client reads, padded with zero
     * bytes to a multiple of 512, and followed by the SHA-256 of everything sent, which etcdctl checks
     * ({@code size % 512 == 32}).
     */
    @Override
    public void snapshot(Rpc.SnapshotRequest r, StreamObserver<Rpc.SnapshotResponse> responses) {
        ServerCallStreamObserver<Rpc.SnapshotResponse> out =
                (ServerCallStreamObserver<Rpc.SnapshotResponse>) responses;
        SnapshotSender sender = new SnapshotSender(out, headers);
        out.setOnReadyHandler(sender::pump);
        out.setOnCancelHandler(sender::cancel);
        Path file;
        OutputStream os;
        CompletableFuture<Long> written;
        try {
            Files.createDirectories(snapshotDir);
            file = Files.createTempFile(snapshotDir, ".etcd-snapshot-", ".tmp");
            os = Files.newOutputStream(file);
        } catch (IOException e) {
            Replies.fail(out, new UncheckedIOException("cannot create a snapshot file in " + snapshotDir, e));
            return;
        }
        try {
            written = datastore.snapshot(os);
        } catch (RuntimeException e) {
            written = CompletableFuture.failedFuture(e);
        }
        written.whenCompleteAsync((revision, error) -> {
            try {
                os.close();
            } catch (IOException e) {
                error = error != null ? error : e;
            }
            if (error != null) {
                SnapshotSender.delete(file);
                sender.fail(error);
                return;
            }
            sender.start(file, revision);
        }, replies.executor());
    }
}
