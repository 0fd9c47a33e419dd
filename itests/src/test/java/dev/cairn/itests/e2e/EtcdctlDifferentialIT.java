package dev.cairn.itests.e2e;

import dev.cairn.itests.e2e.support.ManagedServer;
import dev.cairn.itests.e2e.support.ReferenceEtcd;
import dev.cairn.itests.e2e.support.ServerUnderTest;

import java.util.List;

import org.junit.AfterClass;
import org.junit.BeforeClass;

/**
 * The etcdctl differential scenarios ({@link EtcdctlDifferentialScenarios}) on a single Cairn server and a single
 * reference etcd 3.4 (plain http), both living for the whole class.
 */
public class EtcdctlDifferentialIT extends EtcdctlDifferentialScenarios {

    private static final String CAIRN_ADDRESS = "127.0.0.31";
    private static final String ETCD_ADDRESS = "127.0.0.32";

    private static ManagedServer reference;
    private static ManagedServer cairn;

    @BeforeClass
    public static void startServers() {
        reference = ReferenceEtcd.plain("differential-etcd", ETCD_ADDRESS);
        reference.start();
        cairn = ServerUnderTest.start("differential-cairn", CAIRN_ADDRESS);
    }

    @AfterClass
    public static void stopServers() {
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
    protected List<ManagedServer> reference() {
        return List.of(reference);
    }

    @Override
    protected List<ManagedServer> cairn() {
        return List.of(cairn);
    }
}
