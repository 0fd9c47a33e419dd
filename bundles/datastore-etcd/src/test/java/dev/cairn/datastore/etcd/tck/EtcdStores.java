package dev.cairn.datastore.etcd.tck;

import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.etcd.EtcdDatastore;
import dev.cairn.datastore.etcd.EtcdProcess;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.rules.ExternalResource;

/**
 * Gives each TCK test fresh, empty etcds: every {@link #open()} takes its own etcd process on {@link #HOST} (its data
 * in a temporary directory), one that no other test has used, started ahead of time ({@link FreshEtcds}), and
 * connects a store to it; {@link #reopen} restarts that etcd on the same data and connects again. Every etcd is
 * stopped, and its data deleted, after the test.
 */
public final class EtcdStores extends ExternalResource {
    /**
     * 127.0.0.90, or 127.0.0.92 in surefire's second fork ({@code etcd.tck.fork}, set by the pom): each JVM picks
     * its etcds' ports on an address of its own, so two JVMs never race for one.
     */
    static final String HOST = host(System.getProperty("etcd.tck.fork"));

    /**
     * Unset (a test run outside Maven): .90. A value other than surefire's fork number 1 or 2 means the pom's
     * wiring broke, and both JVMs would take .90 and race for its ports (seen once as "address already in use").
     */
    private static String host(String fork) {
        if (fork == null || fork.equals("1")) {
            return "127.0.0.90";
        }
        if (fork.equals("2")) {
            return "127.0.0.92";
        }
        throw new IllegalStateException("etcd.tck.fork is '" + fork + "', not surefire's fork number 1 or 2; see"
                + " the surefire configuration in bundles/datastore-etcd/pom.xml");
    }

    private static final FreshEtcds FRESH = new FreshEtcds();

    private final Map<Datastore, EtcdProcess> etcds = new IdentityHashMap<>();
    private final List<EtcdProcess> started = new ArrayList<>();

    public Datastore open() throws Exception {
        EtcdProcess etcd = FRESH.take();
        started.add(etcd);
        return connect(etcd);
    }

    public Datastore reopen(Datastore closed) throws Exception {
        EtcdProcess etcd = etcds.get(closed);
        if (etcd == null) {
            throw new IllegalArgumentException("not a store opened by this rule: " + closed);
        }
        etcd.stop();
        etcd.start();
        return connect(etcd);
    }

    private Datastore connect(EtcdProcess etcd) throws InterruptedException {
        EtcdDatastore store = EtcdDatastore.open(etcd.clientUrl(), Map.of(), 0);
        awaitLeader(store, etcd);
        etcds.put(store, etcd);
        return store;
    }

    /** A linearizable read needs a leader: once one succeeds, the etcd serves writes too. */
    private static void awaitLeader(EtcdDatastore store, EtcdProcess etcd) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                store.range(RangeRequest.builder(KeyRange.single(new byte[] {0})).countOnly(true).build())
                        .get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    store.close();
                    throw new IllegalStateException("etcd at " + etcd.clientUrl() + " has no leader after 30 s: "
                            + DatastoreException.of(e).getMessage() + "; log: " + etcd.tail());
                }
                Thread.sleep(20);
            }
        }
    }

    @Override
    protected void after() {
        try {
            for (EtcdProcess etcd : started) {
                FreshEtcds.discard(etcd);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            super.after();
        }
    }
}
