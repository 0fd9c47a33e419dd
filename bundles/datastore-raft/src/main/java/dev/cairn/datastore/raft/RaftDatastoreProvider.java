package dev.cairn.datastore.raft;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.spi.BackendSettings;
import dev.cairn.datastore.spi.DatastoreProvider;
import dev.cairn.security.api.ClusterTls;
import java.time.Duration;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offers the Raft backend to the datastore selector ({@code datastore.type=raft}): this server's member of the
 * group in {@code <data-dir>/server/db/etcd/}, founding a one-member group on first start. Peer traffic is mutual
 * TLS from the cluster's peer CA, so the provider is offered only once the {@link ClusterTls} service is there.
 */
@Component(service = DatastoreProvider.class, property = DatastoreProvider.TYPE + "=" + RaftDatastore.TYPE)
public class RaftDatastoreProvider implements DatastoreProvider {
    private static final Logger LOG = LoggerFactory.getLogger(RaftDatastoreProvider.class);
    private static final Duration LEADER_WAIT = Duration.ofSeconds(10);

    @Reference
    private ClusterTls tls;

    @Override
    public String type() {
        return RaftDatastore.TYPE;
    }

    @Override
    public Datastore open(BackendSettings settings) throws Exception {
        RaftSettings raft = RaftSettings.from(settings);
        raft = raft.withTls(new RaftSettings.PeerTls(tls.peerCa(), tls.peerCert(), tls.peerKey()));
        RaftDatastore store = RaftDatastore.open(raft);
        if (!store.awaitLeader(LEADER_WAIT)) {
            LOG.warn("raft datastore has no leader yet member={} waitedMs={} reason=\"no quorum: fewer than half of"
                    + " the voters are up\"", store.name(), LEADER_WAIT.toMillis());
        }
        return store;
    }
}
