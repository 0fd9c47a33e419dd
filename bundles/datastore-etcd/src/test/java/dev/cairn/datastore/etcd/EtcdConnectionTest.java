package dev.cairn.datastore.etcd;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.cairn.datastore.api.ClusterMembership;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.Event;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.Member;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.WatchRequest;
import dev.cairn.datastore.tck.RecordingWatchListener;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Connecting to a real etcd: TLS with client certificates, refusals that name the flags, failover, restarts. */
public class EtcdConnectionTest {
    private static final String HOST = "127.0.0.91";

    @Rule
    public final TemporaryFolder dirs = new TemporaryFolder();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    public void anHttpsEtcdWithRequiredClientCertificatesServesTheStore() throws Exception {
        TestCertificates certs = TestCertificates.create(dirs.newFolder().toPath(), HOST);
        try (EtcdProcess etcd = new EtcdProcess(HOST, dirs.newFolder().toPath(), true, certs.etcdFlags())) {
            etcd.start();
            try (EtcdDatastore store = EtcdDatastore.open(etcd.clientUrl(), new TlsFiles(certs.ca.toString(),
                    certs.clientCert.toString(), certs.clientKey.toString()), 0)) {
                long rev = store.put(PutRequest.of(bytes("tls/a"), bytes("1"))).get(20, TimeUnit.SECONDS)
                        .revision();
                assertEquals(rev, store.range(RangeRequest.of(KeyRange.single(bytes("tls/a"))))
                        .get(20, TimeUnit.SECONDS).kvs().get(0).modRevision());
            }
        }
    }

    @Test
    public void aServerCertificateFromAnotherCaIsRefusedNamingTheTlsFlags() throws Exception {
        TestCertificates certs = TestCertificates.create(dirs.newFolder().toPath(), HOST);
        String foreign = TestCertificates.foreignCa(dirs.newFolder().toPath()).toString();
        try (EtcdProcess etcd = new EtcdProcess(HOST, dirs.newFolder().toPath(), true, certs.etcdFlags())) {
            etcd.start();
            try {
                EtcdDatastore.open(etcd.clientUrl(), new TlsFiles(foreign, certs.clientCert.toString(),
                        certs.clientKey.toString()), 0).close();
                fail("connected with a CA that did not sign the etcd's certificate");
            } catch (IllegalStateException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("cannot reach the external etcd at "
                        + etcd.clientUrl() + " (--datastore-endpoint, --datastore-cafile, --datastore-certfile, "
                        + "--datastore-keyfile): "));
            }
        }
    }

    @Test
    public void aKeyFileThatIsNotPkcs8IsRefusedNamingTheFlags() throws Exception {
        java.nio.file.Path dir = dirs.newFolder().toPath();
        TestCertificates certs = TestCertificates.create(dir, HOST);
        java.nio.file.Path notAKey = dir.resolve("not-a-key.pem");
        java.nio.file.Files.writeString(notAKey,
                "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        try {
            new TlsFiles(certs.ca.toString(), certs.clientCert.toString(), notAKey.toString()).sslContext();
            fail("accepted a key file that is no PKCS#8 key");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("--datastore-certfile " + certs.clientCert
                    + " / --datastore-keyfile " + notAKey));
        }
    }

    @Test
    public void anUnreachableEtcdStopsOpeningWithTheEndpointInTheMessage() throws Exception {
        String url = "http://" + HOST + ":" + closedPort();
        try {
            EtcdDatastore.open(url, new TlsFiles("", "", ""), 0).close();
            fail("opened a store on " + url + " where nothing listens");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("cannot reach the external etcd at " + url
                    + " (--datastore-endpoint): "));
        }
    }

    @Test
    public void aDeadFirstEndpointFallsOverToTheNext() throws Exception {
        try (EtcdProcess etcd = new EtcdProcess(HOST, dirs.newFolder().toPath(), false, List.of())) {
            etcd.start();
            String endpoints = "http://" + HOST + ":" + closedPort() + "," + etcd.clientUrl();
            try (EtcdDatastore store = EtcdDatastore.open(endpoints, new TlsFiles("", "", ""), 0)) {
                assertEquals(2, store.put(PutRequest.of(bytes("a"), bytes("1"))).get(20, TimeUnit.SECONDS)
                        .revision());
            }
        }
    }

    @Test
    public void aWatchResumesAfterTheEtcdRestartsWithoutGapOrDuplicate() throws Exception {
        try (EtcdProcess etcd = new EtcdProcess(HOST, dirs.newFolder().toPath(), false, List.of())) {
            etcd.start();
            try (EtcdDatastore store = EtcdDatastore.open(etcd.clientUrl(), new TlsFiles("", "", ""), 0)) {
                RecordingWatchListener events = new RecordingWatchListener();
                store.watch(WatchRequest.of(KeyRange.prefix(bytes("w/")), 0), events);
                store.put(PutRequest.of(bytes("w/1"), bytes("before"))).get(20, TimeUnit.SECONDS);
                events.awaitRevision(2);
                etcd.stop();
                etcd.start();
                long last = 0;
                for (int i = 2; i <= 4; i++) {
                    last = putWhenServing(store, "w/" + i);
                }
                List<Event> got = events.awaitRevision(last);
                assertEquals(List.of(2L, 3L, 4L, 5L), got.stream().map(e -> e.kv().modRevision()).toList());
            }
        }
    }

    @Test
    public void theCurrentRevisionFollowsWritesOfOtherClients() throws Exception {
        try (EtcdProcess etcd = new EtcdProcess(HOST, dirs.newFolder().toPath(), false, List.of())) {
            etcd.start();
            try (EtcdDatastore watching = EtcdDatastore.open(etcd.clientUrl(), new TlsFiles("", "", ""), 0);
                    EtcdDatastore writing = EtcdDatastore.open(etcd.clientUrl(), new TlsFiles("", "", ""), 0)) {
                long last = 0;
                for (int i = 0; i < 3; i++) {
                    last = writing.put(PutRequest.of(bytes("k" + i), bytes("v"))).get(20, TimeUnit.SECONDS)
                            .revision();
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (watching.currentRevision() < last) {
                    assertTrue("the other store's revision " + watching.currentRevision() + " reached " + last
                            + " within 10 s", System.nanoTime() < deadline);
                    Thread.sleep(20);
                }
                assertEquals(last, watching.currentRevision());
            }
        }
    }

    @Test
    public void theClusterViewLosesItsLeaderWhileTheEtcdIsDownAndRegainsIt() throws Exception {
        try (EtcdProcess etcd = new EtcdProcess(HOST, dirs.newFolder().toPath(), false, List.of())) {
            etcd.start();
            try (EtcdDatastore store = EtcdDatastore.open(etcd.clientUrl(), new TlsFiles("", "", ""), 0)) {
                awaitLeader(store, true);
                etcd.stop();
                awaitLeader(store, false);
                etcd.start();
                awaitLeader(store, true);
            }
        }
    }

    private static void awaitLeader(EtcdDatastore store, boolean leader) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (store.cluster().hasLeader() != leader) {
            assertTrue("cluster view " + (leader ? "with" : "without") + " a leader within 30 s: "
                    + store.cluster(), System.nanoTime() < deadline);
            Thread.sleep(20);
        }
    }

    @Test
    public void membershipChangesGoToTheEtcdsClusterApi() throws Exception {
        try (EtcdProcess etcd = new EtcdProcess(HOST, dirs.newFolder().toPath(), false, List.of())) {
            etcd.start();
            try (EtcdDatastore store = EtcdDatastore.open(etcd.clientUrl(), new TlsFiles("", "", ""), 0)) {
                ClusterMembership m = store.membership().orElseThrow();
                // a learner that never starts: it does not count for the quorum of the one-member etcd
                Member learner = m.addMember("", List.of("http://" + HOST + ":" + closedPort()), true)
                        .get(20, TimeUnit.SECONDS);
                assertTrue(learner.learner());
                assertEquals(2, m.members().size());
                assertEquals(StoreError.LEARNER_NOT_READY, failure(m.promoteMember(learner.id())));
                m.removeMember(learner.id()).get(20, TimeUnit.SECONDS);
                assertEquals(1, m.members().size());
                assertEquals(StoreError.MEMBER_NOT_FOUND, failure(m.removeMember(learner.id())));
            }
        }
    }

    private static StoreError failure(java.util.concurrent.CompletableFuture<?> call) throws Exception {
        try {
            call.get(20, TimeUnit.SECONDS);
            throw new AssertionError("the call succeeded");
        } catch (java.util.concurrent.ExecutionException e) {
            return DatastoreException.of(e).error();
        }
    }

    /** After a restart the first writes may meet the old connection or a leaderless etcd: retried until one lands. */
    private static long putWhenServing(EtcdDatastore store, String key) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return store.put(PutRequest.of(bytes(key), bytes("after"))).get(20, TimeUnit.SECONDS).revision();
            } catch (java.util.concurrent.ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        }
    }
}
