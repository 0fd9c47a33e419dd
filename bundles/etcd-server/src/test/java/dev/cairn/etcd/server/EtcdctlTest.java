package dev.cairn.etcd.server;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.ClassRule;
import org.junit.Test;

/** Debian's etcdctl 3.4 against the server, command by command, with etcd's output and error texts. */
public class EtcdctlTest {
    @ClassRule
    public static final EtcdServerRule SERVER = new EtcdServerRule();

    private static Etcdctl etcdctl() {
        return SERVER.etcdctl();
    }

    private static long revision(String key) throws Exception {
        String json = etcdctl().run("get", key, "-w", "json").ok().out();
        Matcher m = Pattern.compile("\"revision\":(\\d+)").matcher(json);
        assertTrue(json, m.find());
        return Long.parseLong(m.group(1));
    }

    @Test
    public void putGetDelete() throws Exception {
        assertEquals("OK\n", etcdctl().run("put", "/put/a", "1").ok().out());
        assertEquals("OK\n", etcdctl().run("put", "/put/b", "2").ok().out());
        assertEquals("/put/a\n1\n", etcdctl().run("get", "/put/a").ok().out());
        assertEquals("/put/a\n1\n/put/b\n2\n", etcdctl().run("get", "--prefix", "/put/").ok().out());
        assertEquals("/put/b\n", etcdctl().run("get", "--prefix", "--keys-only", "--limit=1", "--order=DESCEND",
                "/put/").ok().out().trim() + "\n");
        String fields = etcdctl().run("get", "--prefix", "--limit=1", "-w", "fields", "/put/").ok().out();
        assertTrue(fields, fields.contains("\"Count\" : 2\n") && fields.contains("\"More\" : true\n"));
        assertEquals("2\n", etcdctl().run("del", "--prefix", "/put/").ok().out());
        assertEquals("", etcdctl().run("get", "--prefix", "/put/").ok().out());
    }

    @Test
    public void txnTakesTheBranchTheComparesChoose() throws Exception {
        etcdctl().run("put", "/txn/k", "v0").ok();
        String txn = "value(\"/txn/k\") = \"v0\"\n\nput /txn/k v1\nget /txn/k\n\nput /txn/k failed\n\n";
        assertEquals("SUCCESS\n\nOK\n\n/txn/k\nv1\n", etcdctl().runWithInput(txn, "txn").ok().out());
        assertEquals("FAILURE\n\nOK\n", etcdctl().runWithInput(txn, "txn").ok().out());
        assertEquals("/txn/k\nfailed\n", etcdctl().run("get", "/txn/k").ok().out());
    }

    @Test
    public void watchReplaysFromARevisionThenFollows() throws Exception {
        etcdctl().run("put", "/watch/a", "1").ok();
        long rev = revision("/watch/a");
        try (Etcdctl.Running watch = etcdctl().start("watch", "--prefix", "/watch/", "--rev=" + rev)) {
            watch.awaitLine("PUT");
            watch.awaitLine("/watch/a");
            watch.awaitLine("1");
            etcdctl().run("put", "/watch/b", "2").ok();
            watch.awaitLine("/watch/b");
            watch.awaitLine("2");
            etcdctl().run("del", "/watch/a").ok();
            watch.awaitLine("DELETE");
            watch.awaitLine("/watch/a");
        }
    }

    @Test
    public void leaseLifecycle() throws Exception {
        String granted = etcdctl().run("lease", "grant", "60").ok().out();
        Matcher m = Pattern.compile("lease ([0-9a-f]+) granted with TTL\\(60s\\)").matcher(granted);
        assertTrue(granted, m.find());
        String id = m.group(1);
        etcdctl().run("put", "--lease=" + id, "/lease/k", "v").ok();
        String ttl = etcdctl().run("lease", "timetolive", "--keys", id).ok().out();
        assertTrue(ttl, ttl.contains("lease " + id + " granted with TTL(60s)") && ttl.contains("[/lease/k]"));
        assertTrue(etcdctl().run("lease", "list").ok().out().contains(id));
        assertEquals("lease " + id + " keepalived with TTL(60)\n",
                etcdctl().run("lease", "keep-alive", "--once", id).ok().out());
        assertEquals("lease " + id + " revoked\n", etcdctl().run("lease", "revoke", id).ok().out());
        assertEquals("", etcdctl().run("get", "/lease/k").ok().out());
        assertEquals("lease " + id + " already expired\n", etcdctl().run("lease", "timetolive", id).ok().out());
        Etcdctl.Result unknown = etcdctl().run("lease", "revoke", id);
        assertNotEquals(0, unknown.exitCode());
        assertTrue(unknown.err(), unknown.err().contains("etcdserver: requested lease not found"));
    }

    @Test
    public void compactionAndDefragment() throws Exception {
        etcdctl().run("put", "/compact/k", "1").ok();
        long first = revision("/compact/k");
        etcdctl().run("put", "/compact/k", "2").ok();
        long second = revision("/compact/k");
        assertEquals("compacted revision " + second + "\n",
                etcdctl().run("compaction", "--physical", Long.toString(second)).ok().out());
        Etcdctl.Result old = etcdctl().run("get", "--rev=" + first, "/compact/k");
        assertNotEquals(0, old.exitCode());
        assertTrue(old.err(), old.err().contains("etcdserver: mvcc: required revision has been compacted"));
        Etcdctl.Result future = etcdctl().run("get", "--rev=" + (second + 1000), "/compact/k");
        assertTrue(future.err(), future.err().contains("etcdserver: mvcc: required revision is a future revision"));
        assertEquals("Finished defragmenting etcd member[" + SERVER.endpoint() + "]\n",
                etcdctl().run("defrag").ok().out());
        assertEquals("/compact/k\n2\n", etcdctl().run("get", "/compact/k").ok().out());
    }

    @Test
    public void endpointStatusHealthAndHash() throws Exception {
        String status = etcdctl().run("endpoint", "status", "-w", "json").ok().out();
        assertTrue(status, status.contains("\"version\":\"3.5.17\""));
        assertTrue(status, status.contains("\"raftIndex\":") && status.contains("\"raftAppliedIndex\":")
                && status.contains("\"dbSizeInUse\":"));
        String table = etcdctl().run("endpoint", "status").ok().out();
        assertTrue(table, table.startsWith(SERVER.endpoint() + ", ") && table.contains(", 3.5.17, ")
                && table.contains(", true, false, "));
        String health = etcdctl().run("endpoint", "health").ok().out() + etcdctl().run("endpoint", "health").err();
        assertTrue(health, health.contains(SERVER.endpoint() + " is healthy: successfully committed proposal"));
        String hash = etcdctl().run("endpoint", "hashkv").ok().out();
        assertTrue(hash, hash.matches("(?s)" + Pattern.quote(SERVER.endpoint()) + ", \\d+\\n"));
    }

    @Test
    public void memberListShowsThisServer() throws Exception {
        String members = etcdctl().run("member", "list").ok().out();
        assertTrue(members, members.contains(", started, node-1, ") && members.contains("https://127.0.0.1:2379"));
        String id = members.substring(0, members.indexOf(','));
        Etcdctl.Result remove = etcdctl().run("member", "remove", id);
        assertTrue(remove.err(), remove.err().contains(
                "etcdserver: re-configuration failed due to not enough started members"));
        Etcdctl.Result promote = etcdctl().run("member", "promote", id);
        assertTrue(promote.err(), promote.err().contains("etcdserver: can only promote a learner member"));
        Etcdctl.Result unknown = etcdctl().run("member", "remove", "1234");
        assertTrue(unknown.err(), unknown.err().contains("etcdserver: member not found"));
        String moved = etcdctl().run("move-leader", id).ok().out();
        assertTrue(moved, moved.contains("Leadership transferred from " + id + " to " + id));
    }

    @Test
    public void lockIsExclusive() throws Exception {
        assertEquals("locked\n", etcdctl().run("lock", "/lock/a", "echo", "locked").ok().out());
        try (Etcdctl.Running holder = etcdctl().start("lock", "/lock/b")) {
            holder.awaitLine(holderKeyLine(holder));
            try (Etcdctl.Running waiter = etcdctl().start("lock", "/lock/b", "echo", "second")) {
                // The waiter must not get the lock while the holder has it.
                assertTrue("second locker got a held lock",
                        !waiter.process.waitFor(500, java.util.concurrent.TimeUnit.MILLISECONDS));
                holder.close();
                waiter.awaitLine("second");
            }
        }
    }

    /** The first line etcdctl lock prints is the lock's key, "name/leasehex". */
    private static String holderKeyLine(Etcdctl.Running r) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            String out = etcdctl().run("get", "--prefix", "--keys-only", "/lock/b/").ok().out().trim();
            if (!out.isEmpty()) {
                return out;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the lock holder never created its key");
    }

    @Test
    public void electCampaignsAndObserves() throws Exception {
        try (Etcdctl.Running leader = etcdctl().start("elect", "/elect/e", "p1");
                Etcdctl.Running observer = etcdctl().start("elect", "-l", "/elect/e")) {
            leader.awaitLine("p1");
            observer.awaitLine("p1");
        }
    }

    @Test
    public void authIsPresentAndDisabled() throws Exception {
        Etcdctl.Result enable = etcdctl().run("auth", "enable");
        assertTrue(enable.err(), enable.err().contains("etcdserver: root user does not exist"));
        assertEquals("", etcdctl().run("user", "list").ok().out());
        assertEquals("", etcdctl().run("role", "list").ok().out());
        Etcdctl.Result get = etcdctl().run("user", "get", "nobody");
        assertTrue(get.err(), get.err().contains("etcdserver: user name not found"));
    }

    @Test
    public void alarmsListAndDisarmWhenNoneIsActive() throws Exception {
        assertEquals("", etcdctl().run("alarm", "list").ok().out());
        assertEquals("", etcdctl().run("alarm", "disarm").ok().out());
    }

    @Test
    public void snapshotCarriesAChecksumEtcdctlAccepts() throws Exception {
        etcdctl().run("put", "/snapshot/k", "v").ok();
        Path file = SERVER.dir.resolve("snapshot.db");
        String saved = etcdctl().run("snapshot", "save", file.toString()).ok().out();
        assertTrue(saved, saved.contains("Snapshot saved at " + file));
        byte[] data = Files.readAllBytes(file);
        assertEquals(32, data.length % 512);
        byte[] body = Arrays.copyOf(data, data.length - 32);
        byte[] sum = Arrays.copyOfRange(data, data.length - 32, data.length);
        assertTrue(Arrays.equals(MessageDigest.getInstance("SHA-256").digest(body), sum));
        try (Stream<Path> left = Files.list(SERVER.dir.resolve("snapshots"))) {
            assertEquals("staged snapshot files are deleted", 0, left.count());
        }
    }
}
