package dev.cairn.itests.e2e;

import static org.junit.Assume.assumeTrue;

import dev.cairn.itests.e2e.support.CairnCluster;
import dev.cairn.itests.e2e.support.CairnProcess;
import dev.cairn.itests.e2e.support.ReferenceEtcd;
import dev.cairn.itests.e2e.support.ReferenceEtcdCluster;
import dev.cairn.itests.e2e.support.ServerUnderTest;

import java.util.List;

import org.junit.AfterClass;
import org.junit.BeforeClass;

/**
 * The etcdctl differential scenarios ({@link EtcdctlDifferentialScenarios}) on a three-server Cairn cluster
 * (127.0.0.21–23) and a three-member reference etcd 3.4 (127.0.0.24–26, client TLS with client certificates),
 * etcdctl pointed at all three endpoints of each, so that its requests go to followers as well as to the leader.
 * The Cairn servers run datastore-only ({@code --disable-apiserver}), so nothing writes on its own between the
 * steps of a scenario.
 */
public class ClusterEtcdctlDifferentialIT extends EtcdctlDifferentialScenarios {

    private static CairnCluster cairn;
    private static ReferenceEtcdCluster reference;

    @BeforeClass
    public static void startClusters() {
        assumeTrue("a Cairn cluster", ServerUnderTest.isCairn());
        reference = new ReferenceEtcdCluster("cdiff-etcd", "127.0.0.24", "127.0.0.25", "127.0.0.26");
        reference.start();
        cairn = new CairnCluster("cdiff-", 21, 3, "--disable-apiserver");
        cairn.start();
    }

    @AfterClass
    public static void stopClusters() {
        try {
            if (cairn != null) {
                cairn.close();
            }
        } finally {
            if (reference != null) {
                reference.close();
            }
        }
    }

    @Override
    protected List<ReferenceEtcd> reference() {
        return reference.members();
    }

    @Override
    protected List<CairnProcess> cairn() {
        return cairn.servers();
    }

    @Override
    protected String cairnContext() {
        return cairn.describe();
    }
}
