package dev.cairn.datastore.raft;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.spi.BackendSettings;
import dev.cairn.datastore.spi.DatastoreProvider;
import dev.cairn.security.api.ClusterTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offers the Raft backend to the datastore selector ({@code datastore.type=raft}): this server's member of the
 * group in {@code <data-dir>/server/db/etcd/}, founding a one-member group on first start. Peer traffic is mutual
 * TLS from the cluster's peer CA, so the provider is offered only once the {@link ClusterTls} service is there.
 *
 * <p>With the option {@code cluster.reset} it first resets the membership (see {@link ClusterReset}), or with
 * {@code cluster.reset.restore.path} too restores a snapshot as a new one-member cluster (see {@link
 * SnapshotRestore}), and then hands the user's next steps to the launcher's exit service ({@code cairn.exit=true}),
 * which stops the server.
 */
@Component(service = DatastoreProvider.class, property = DatastoreProvider.TYPE + "=" + RaftDatastore.TYPE)
public class RaftDatastoreProvider implements DatastoreProvider {
    private static final Logger LOG = LoggerFactory.getLogger(RaftDatastoreProvider.class);
    /** Option: the SQLite store a new group starts from (--cluster-init on a server that ran on SQLite). */
    static final String CONVERT_FROM = "raft.convert.from";
    /** Option: a copy of that store taken while it still served (a live conversion); only later writes are copied. */
    static final String CONVERT_BASE = "raft.convert.base";
    private static final Duration LEADER_WAIT = Duration.ofSeconds(10);

    @Reference
    private ClusterTls tls;

    @Reference(service = Consumer.class, target = "(cairn.exit=true)", cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC)
    private volatile Consumer<String> exit;

    /** The launcher's handler for errors that stop the server: this member was removed from the cluster. */
    @Reference(service = Consumer.class, target = "(cairn.fatal=true)", cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC)
    private volatile Consumer<String> fatal;

    @Override
    public String type() {
        return RaftDatastore.TYPE;
    }

    @Override
    public Datastore open(BackendSettings settings) throws Exception {
        RaftSettings raft = RaftSettings.from(settings);
        raft = raft.withTls(new RaftSettings.PeerTls(tls.peerCa(), tls.peerCert(), tls.peerKey()));
        String restorePath = settings.options().getOrDefault(SnapshotRestore.RESTORE_PATH, "");
        if (raft.reset() && !restorePath.isEmpty()) {
            Path snapshot = Path.of(restorePath);
            RaftDatastore restored = SnapshotRestore.run(raft.withoutReset(), snapshot);
            finished(SnapshotRestore.doneMessage(raft, snapshot, restored.currentRevision()));
            return restored;
        }
        if (raft.reset()) {
            RaftDatastore alone = ClusterReset.run(raft);
            finished(ClusterReset.doneMessage(raft));
            return alone;
        }
        String convertFrom = settings.options().getOrDefault(CONVERT_FROM, "");
        if (!convertFrom.isEmpty() && !holdsRaftStorage(raft.raftDir())) {
            String base = settings.options().getOrDefault(CONVERT_BASE, "");
            if (!base.isEmpty()) {
                return stopWhenRemoved(SqliteConversion.runLive(raft, Path.of(convertFrom), Path.of(base)));
            }
            return stopWhenRemoved(SqliteConversion.run(raft, Path.of(convertFrom),
                    settings.options().getOrDefault(ConversionCrash.OPTION, "")));
        }
        RaftDatastore store = stopWhenRemoved(RaftDatastore.open(raft));
        if (!store.awaitLeader(LEADER_WAIT)) {
            LOG.warn("raft datastore has no leader yet member={} waitedMs={} reason=\"no quorum: fewer than half of"
                    + " the voters are up\"", store.name(), LEADER_WAIT.toMillis());
        }
        return store;
    }

    /** A live conversion is about to open this backend: the first member of the process starts slowly. */
    @Override
    public void prepare(BackendSettings settings) throws Exception {
        RaftWarmUp.run(RaftSettings.from(settings).withTls(new RaftSettings.PeerTls(tls.peerCa(), tls.peerCert(),
                tls.peerKey())));
        String base = settings.options().getOrDefault(CONVERT_BASE, "");
        if (!base.isEmpty()) {
            SqliteConversion.prepareReplica(Path.of(base));
        }
    }

    /** The one-shot job is done: the launcher prints the message and stops (not on this activation thread). */
    private void finished(String message) {
        Consumer<String> e = exit;
        if (e == null) {
            LOG.warn("one-shot job done; no exit service to stop the server message=\"{}\"", message);
            return;
        }
        CompletableFuture.runAsync(() -> e.accept(message));
    }

    private static boolean holdsRaftStorage(Path raftDir) throws java.io.IOException {
        if (!Files.isDirectory(raftDir)) {
            return false;
        }
        try (var entries = Files.list(raftDir)) {
            return entries.findAny().isPresent();
        }
    }

    private RaftDatastore stopWhenRemoved(RaftDatastore store) {
        store.onRemoved(message -> {
            Consumer<String> handler = fatal;
            if (handler != null) {
                handler.accept(message);
            }
        });
        return store;
    }
}
