package dev.cairn.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.cairn.itests.e2e.support.Await;
import dev.cairn.itests.e2e.support.BackgroundEtcdctl;
import dev.cairn.itests.e2e.support.CairnProcess;
import dev.cairn.itests.e2e.support.ClientTls;
import dev.cairn.itests.e2e.support.Etcdctl;
import dev.cairn.itests.e2e.support.EtcdctlResult;
import dev.cairn.itests.e2e.support.ReferenceEtcd;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The real distribution on an external etcd: Debian's etcd serves TLS with required client certificates on
 * 127.0.0.94, Cairn runs with {@code --datastore-endpoint https://127.0.0.94:2379} and the CA, certificate and key
 * files on 127.0.0.95. What etcdctl writes through Cairn is in the etcd, what is written to the etcd reaches a
 * watch on Cairn, and both answer with the same revisions.
 */
public class ExternalEtcdIT {
    private static final String ETCD_ADDRESS = "127.0.0.94";
    private static final String CAIRN_ADDRESS = "127.0.0.95";
    private static final String SECOND_CAIRN_ADDRESS = "127.0.0.96";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static ReferenceEtcd etcd;
    private static CairnProcess cairn;
    private static Etcdctl viaCairn;
    private static Etcdctl direct;

    @BeforeClass
    public static void startEtcdThenCairn() {
        etcd = ReferenceEtcd.withClientCertificates("external-etcd", ETCD_ADDRESS);
        etcd.start();
        cairn = onTheEtcd("external-cairn", CAIRN_ADDRESS);
        cairn.start();
        viaCairn = new Etcdctl(cairn);
        direct = new Etcdctl(etcd);
    }

    /** A Cairn server (not started) on the test's etcd, with its TLS files. */
    private static CairnProcess onTheEtcd(String name, String address) {
        ClientTls tls = etcd.tls().orElseThrow();
        return CairnProcess.create(name, address,
                "--datastore-endpoint", "https://" + ETCD_ADDRESS + ":" + ReferenceEtcd.CLIENT_PORT,
                "--datastore-cafile", tls.ca().toString(), "--datastore-certfile", tls.cert().toString(),
                "--datastore-keyfile", tls.key().toString(), "--disable-apiserver");
    }

    @AfterClass
    public static void stopCairnThenEtcd() {
        try {
            if (cairn != null) {
                cairn.close();
            }
        } finally {
            if (etcd != null) {
                etcd.close();
            }
        }
    }

    @Test
    public void aPutThroughCairnIsReadDirectlyFromTheEtcd() {
        viaCairn.run("put", "/external/a", "through-cairn").requireSuccess();
        EtcdctlResult got = direct.run("get", "/external/a", "--print-value-only").requireSuccess();
        assertEquals("through-cairn", got.stdout().trim());
    }

    @Test
    public void aWriteToTheEtcdReachesAWatchOnCairn() {
        // from the next revision on: the write is seen whether it lands before or after the watch is registered
        long next = revision(viaCairn.run("get", "/external/w", "-w", "json").requireSuccess()) + 1;
        try (BackgroundEtcdctl watch = viaCairn.start("watch", "/external/w", "--rev", Long.toString(next))) {
            direct.run("put", "/external/w", "written-to-etcd").requireSuccess();
            assertTrue("the watch on Cairn saw the write to the etcd: " + watch.stdout(),
                    watch.awaitStdout(WAIT, out -> out.contains("written-to-etcd")));
            direct.run("del", "/external/w").requireSuccess();
            assertTrue("and its deletion: " + watch.stdout(), watch.awaitStdout(WAIT, out -> out.contains("DELETE")));
        }
    }

    @Test
    public void cairnAnswersWithTheEtcdsRevisionsAndMembers() {
        viaCairn.run("put", "/external/r", "1").requireSuccess();
        long viaCairnRevision = revision(viaCairn.run("get", "/external/r", "-w", "json").requireSuccess());
        long directRevision = revision(direct.run("get", "/external/r", "-w", "json").requireSuccess());
        assertEquals(directRevision, viaCairnRevision);
        String members = viaCairn.run("member", "list").requireSuccess().stdout();
        assertTrue("the etcd's own member: " + members, members.contains("https://" + ETCD_ADDRESS + ":2379"));
        assertTrue("the server log names the backend: " + cairn.logTail(),
                cairn.outputOfLastLaunch().contains("datastore active type=etcd"));
    }

    @Test
    public void twoServersOnOneEtcdShareItsKeysWatchesAndRevision() {
        try (CairnProcess second = onTheEtcd("external-cairn-2", SECOND_CAIRN_ADDRESS)) {
            second.start();
            Etcdctl viaSecond = new Etcdctl(second);
            long next = revision(viaSecond.run("get", "/external/shared", "-w", "json").requireSuccess()) + 1;
            try (BackgroundEtcdctl watch = viaSecond.start("watch", "/external/shared", "--rev",
                    Long.toString(next))) {
                viaCairn.run("put", "/external/shared", "from-the-first-server").requireSuccess();
                assertTrue("a watch on the second server saw the first server's write: " + watch.stdout(),
                        watch.awaitStdout(WAIT, out -> out.contains("from-the-first-server")));
            }
            assertEquals("from-the-first-server",
                    viaSecond.run("get", "/external/shared", "--print-value-only").requireSuccess().stdout().trim());
            long written = revision(viaCairn.run("put", "/external/shared", "again", "-w", "json").requireSuccess());
            // Status is the etcd's own: the second server reports the revision the first one's write produced
            Await.until("the second server's status reaches revision " + written, WAIT,
                    () -> revision(viaSecond.run("endpoint", "status", "-w", "json").requireSuccess()) >= written,
                    second::logTail);
        }
    }

    private static long revision(EtcdctlResult json) {
        Matcher m = Pattern.compile("\"revision\":(\\d+)").matcher(json.stdout());
        assertTrue("a header revision in " + json.stdout(), m.find());
        return Long.parseLong(m.group(1));
    }
}
