package dev.cairn.itests.e2e;

import static org.junit.Assert.fail;

import dev.cairn.itests.e2e.support.Await;
import dev.cairn.itests.e2e.support.BackgroundEtcdctl;
import dev.cairn.itests.e2e.support.EtcdEndpoint;
import dev.cairn.itests.e2e.support.Etcdctl;
import dev.cairn.itests.e2e.support.EtcdctlResult;
import dev.cairn.itests.e2e.support.EtcdctlSession;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.Before;
import org.junit.Test;

/**
 * The etcdctl differential scenarios: the same etcdctl commands against Cairn and against the reference etcd 3.4,
 * outputs compared after normalising ids, absolute revisions and timings
 * ({@link dev.cairn.itests.e2e.support.OutputNormaliser}). One test per area, each on its own keys, so that a
 * failure lists exactly the commands whose output differs, with both outputs. A subclass supplies the servers: a
 * single server each ({@link EtcdctlDifferentialIT}) or a cluster each ({@link ClusterEtcdctlDifferentialIT}), in
 * which case etcdctl is pointed at every member and member-specific values (ids, names, URLs, which member leads)
 * are normalised away.
 *
 * <p>The servers live for the whole class. Every scenario runs on etcd first, then on Cairn; revisions in
 * commands and outputs are relative to the revision each side had when the scenario began. etcdctl 3.4 has no
 * {@code --count-only}; counts are compared through {@code -w json} ({@code "count"}) and in {@link JetcdClientIT}.
 */
public abstract class EtcdctlDifferentialScenarios {

    /** Upper bound for a background command to show an event, a lock or a leader; normally milliseconds. */
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Pattern LEASE_LINE = Pattern.compile("^[0-9a-f]{16}$", Pattern.MULTILINE);
    private static final Pattern HEADER_MEMBER_ID = Pattern.compile("\"member_id\":(\\d+)");
    private static final Pattern STATUS_LEADER = Pattern.compile("\"leader\":(\\d+)");
    private static final Pattern MEMBER_ID = Pattern.compile("\"ID\":(\\d+)");
    private static final Pattern TTL_JSON = Pattern.compile("\"ttl\":(-?\\d+),\"granted-ttl\":(\\d+)");

    /** The reference etcd: its member, or every member of its cluster (etcdctl's --endpoints, in this order). */
    protected abstract List<? extends EtcdEndpoint> reference();

    /** Cairn: its server, or every server of its cluster. */
    protected abstract List<? extends EtcdEndpoint> cairn();

    /** What a failure shows about Cairn besides the differing steps: the servers' log tails. */
    protected String cairnContext() {
        return cairn().stream().map(EtcdEndpoint::logTail).collect(Collectors.joining("\n"));
    }

    /**
     * etcdctl lock and elect leave their session leases behind when stopped (etcdctl 3.4 does not revoke them);
     * revoking every lease first keeps them from expiring in the middle of a later scenario.
     */
    @Before
    public void revokeLeftoverLeases() {
        revokeAllLeases(Etcdctl.forMembers(reference()));
        revokeAllLeases(Etcdctl.forMembers(cairn()));
    }

    private static void revokeAllLeases(Etcdctl etcdctl) {
        Matcher m = LEASE_LINE.matcher(etcdctl.run("lease", "list").requireSuccess().stdout());
        while (m.find()) {
            etcdctl.run("lease", "revoke", m.group()).requireSuccess();
        }
    }

    @Test
    public void getWithItsOptions() {
        compare("get", s -> {
            // versions a:1 b:2 c:3 d:4, values all different, so every sort order is total
            s.run("put", "~get/a", "delta");
            s.run("put", "~get/b", "b1");
            s.run("put", "~get/c", "c1");
            s.run("put", "~get/d", "d1");
            s.run("put", "~get/d", "d2");
            s.run("put", "~get/c", "c2");
            s.run("put", "~get/d", "d3");
            s.run("put", "~get/b", "alpha");
            s.run("put", "~get/c", "charlie");
            s.run("put", "~get/d", "");
            s.run("get", "~get/a");
            s.run("get", "~get/missing");
            s.run("get", "~get/a", "-w", "json");
            s.run("get", "~get/", "--prefix");
            s.run("get", "~get/", "--prefix", "-w", "json");
            s.run("get", "~get/b", "--from-key");
            s.run("get", "~get/b", "~get/d");
            s.run("get", "~get/", "--prefix", "--limit=2");
            s.run("get", "~get/", "--prefix", "--limit=2", "-w", "json");
            s.run("get", "~get/", "--prefix", "--order=DESCEND");
            s.run("get", "~get/", "--prefix", "--order=DESCEND", "--limit=1", "-w", "json");
            for (String target : List.of("KEY", "CREATE", "MODIFY", "VERSION", "VALUE")) {
                s.run("get", "~get/", "--prefix", "--sort-by=" + target);
                s.run("get", "~get/", "--prefix", "--sort-by=" + target, "--order=DESCEND", "--limit=3");
            }
            s.run("get", "~get/", "--prefix", "--keys-only");
            s.run("get", "~get/", "--prefix", "--keys-only", "-w", "json");
            s.run("get", "~get/", "--prefix", "--print-value-only");
            s.run("get", "~get/", "--prefix", "--hex");
            s.run("get", "~get/", "--prefix", "--consistency=s");
            s.run("get", "~get/b", "--rev={R+2}");
            s.run("get", "~get/", "--prefix", "--rev={R+5}", "-w", "json");
            s.run("get", "~get/d", "--rev={R+1}");
            s.run("get", "~get/", "--prefix", "--rev={R+9}", "--sort-by=VALUE", "--order=DESCEND");
            s.run("del", "~get/", "--prefix");
        });
    }

    @Test
    public void putWithItsOptions() {
        compare("put", s -> {
            s.run("lease", "grant", "600");
            s.run("put", "/put/k", "v1", "--prev-kv");
            s.run("put", "/put/k", "v2", "--prev-kv");
            s.run("put", "/put/k", "--ignore-value");
            s.run("get", "/put/k", "-w", "json");
            s.run("put", "/put/k", "v3", "--lease={L1}");
            s.run("get", "/put/k", "-w", "json");
            s.run("put", "/put/k", "v4", "--ignore-lease", "--prev-kv");
            s.run("get", "/put/k", "-w", "json");
            s.run("put", "/put/k", "v5");
            s.run("get", "/put/k", "-w", "json");
            s.run("put", "/put/k", "--ignore-value", "--lease={L1}");
            s.run("get", "/put/k", "-w", "json");
            s.run("put", "/put/k", "v6", "--ignore-value");
            s.run("put", "/put/k", "v7", "--ignore-lease", "--lease={L1}");
            s.run("put", "/put/missing", "--ignore-value");
            s.run("put", "/put/missing", "v", "--ignore-lease");
            s.run("put", "/put/k", "-w", "json", "v8");
            s.run("put", "--", "/put/dash", "-v");
            s.run("get", "/put/dash");
            s.run("put", "/put/empty", "");
            s.run("get", "/put/empty", "-w", "json");
            s.run("lease", "revoke", "{L1}");
            s.run("get", "/put/", "--prefix", "-w", "json");
            s.run("del", "/put/", "--prefix");
        });
    }

    @Test
    public void deleteWithItsOptions() {
        compare("del", s -> {
            for (String key : List.of("a", "b", "c", "d", "e", "x/1", "x/2")) {
                s.run("put", "~~del/" + key, "value-" + key);
            }
            s.run("del", "~~del/missing");
            s.run("del", "~~del/a");
            s.run("del", "~~del/a", "--prev-kv");
            s.run("del", "~~del/b", "--prev-kv");
            s.run("del", "~~del/x/", "--prefix", "--prev-kv");
            s.run("del", "~~del/c", "~~del/e");
            s.run("get", "~~del/", "--prefix", "-w", "json");
            s.run("put", "~~del/f", "value-f");
            s.run("del", "~~del/d", "--from-key", "--prev-kv");
            s.run("del", "~~del/", "--prefix", "-w", "json");
            s.run("get", "~~del/", "--prefix", "-w", "json");
        });
    }

    @Test
    public void txnWithComparesOnValueVersionCreateAndMod() {
        compare("txn", s -> {
            s.run("put", "/txn/a", "1");
            s.run("put", "/txn/b", "2");
            s.run("put", "/txn/b", "3");
            s.runWithInput("value(\"/txn/a\") = \"1\"\n\nput /txn/c then\nget /txn/a\n\nput /txn/c else\n\n", "txn");
            s.runWithInput("value(\"/txn/a\") = \"9\"\n\nput /txn/c then\n\nput /txn/c else\nget /txn/c\n\n", "txn");
            s.runWithInput("value(\"/txn/a\") > \"0\"\nvalue(\"/txn/b\") < \"4\"\n\nget /txn/ --prefix\n\n\n",
                    "txn", "-w", "json");
            s.runWithInput("version(\"/txn/b\") = \"2\"\nversion(\"/txn/a\") != \"2\"\n\ndel /txn/a --prev-kv\n"
                    + "get /txn/ --prefix --keys-only\n\nget /txn/a\n\n", "txn", "-w", "json");
            s.runWithInput("mod(\"/txn/b\") > \"{R+2}\"\nmod(\"/txn/b\") < \"{R+4}\"\n\nput /txn/d mod-ok\n\n"
                    + "put /txn/d mod-failed\n\n", "txn");
            s.runWithInput("create(\"/txn/b\") = \"{R+2}\"\ncreate(\"/txn/missing\") = \"0\"\n\n"
                    + "put /txn/e create-ok\n\nput /txn/e create-failed\n\n", "txn", "-w", "json");
            s.runWithInput("value(\"/txn/missing\") = \"\"\n\nput /txn/f then\n\nput /txn/f else\n\n", "txn");
            s.runWithInput("version(\"/txn/missing\") = \"0\"\nmod(\"/txn/missing\") = \"0\"\n\nput /txn/g then\n\n\n",
                    "txn");
            s.runWithInput("value(\"/txn/a\") = \"1\"\n\nput /txn/h then\n\n\n", "txn");
            s.runWithInput("\nput /txn/i no-compares --prev-kv\nput /txn/j x\ndel /txn/e\n\n\n", "txn", "-w", "json");
            s.runWithInput("value(\"/txn/b\") = \"3\"\n\nget /txn/b\n\nget /txn/a\n\n", "txn", "-i");
            s.runWithInput("value(\"/txn/b\") = \"3\"\n\nget /txn/ --prefix --limit=2 --order=DESCEND\n\n\n", "txn");
            s.run("get", "/txn/", "--prefix", "-w", "json");
            s.run("del", "/txn/", "--prefix");
        });
    }

    @Test
    public void watchLiveAndFromARevisionWithPrevKv() {
        compare("watch", s -> {
            // started at the next revision, the watches see every event no matter when their stream is set up
            try (BackgroundEtcdctl prefix = s.start("watch", "/watch/", "--prefix", "--rev={R+1}");
                    BackgroundEtcdctl single = s.start("watch", "/watch/k", "--prev-kv", "--rev={R+1}")) {
                s.run("put", "/watch/k", "a");
                s.run("put", "/watch/k", "b");
                s.run("put", "/watch/j", "c");
                s.run("del", "/watch/k");
                s.run("put", "/watch/sub/x", "y");
                s.runWithInput("\nput /watch/t1 one\nput /watch/t2 two\ndel /watch/j\n\n\n", "txn");
                s.run("put", "/watch/k", "end");
                s.record("watch --prefix saw the last event",
                        String.valueOf(prefix.awaitStdout(WAIT, out -> out.contains("\nend\n"))));
                s.record("watch --prefix output", prefix.stop());
                s.record("watch --prev-kv saw the last event",
                        String.valueOf(single.awaitStdout(WAIT, out -> out.contains("\nend\n"))));
                s.record("watch --prev-kv output", single.stop());
            }
            try (BackgroundEtcdctl history = s.start("watch", "/watch/", "--prefix", "--prev-kv", "--rev={R+2}")) {
                s.record("watch from a past revision saw the last event",
                        String.valueOf(history.awaitStdout(WAIT, out -> out.contains("\nend\n"))));
                s.record("watch from a past revision output", history.stop());
            }
            try (BackgroundEtcdctl range = s.start("watch", "/watch/j", "/watch/t2", "--rev={R+1}")) {
                s.record("watch of a key range saw its last event",
                        String.valueOf(range.awaitStdout(WAIT, out -> out.contains("/watch/t1\none"))));
                s.record("watch of a key range output", range.stop());
            }
            s.run("del", "/watch/", "--prefix");
        });
    }

    @Test
    public void leaseGrantKeepAliveTimeToLiveRevokeList() {
        compare("lease", s -> {
            s.run("lease", "grant", "600");
            s.run("lease", "grant", "300", "-w", "json");
            s.run("put", "/lease/a", "1", "--lease={L1}");
            s.run("put", "/lease/b", "2", "--lease={L1}");
            s.run("put", "/lease/c", "3", "--lease={L2}");
            s.run("get", "/lease/", "--prefix", "-w", "json");
            s.run("lease", "timetolive", "{L1}");
            s.run("lease", "timetolive", "{L1}", "--keys");
            EtcdctlResult ttl = s.run("lease", "timetolive", "{L2}", "--keys", "-w", "json");
            // the remaining TTL is a timing, normalised away above; but etcd truncates it to whole seconds, so once
            // any time has passed since the grant it is below the granted TTL
            s.record("timetolive: remaining TTL is below the granted TTL some time after the grant",
                    remainingBelowGranted(ttl.stdout()));
            s.run("lease", "keep-alive", "--once", "{L1}");
            s.run("lease", "keep-alive", "--once", "{L2}", "-w", "json");
            s.runSorted("lease", "list");
            s.run("lease", "revoke", "{L1}");
            s.run("get", "/lease/", "--prefix", "-w", "json");
            s.run("lease", "timetolive", "{L1}");
            s.run("lease", "timetolive", "{L1}", "--keys", "-w", "json");
            s.run("lease", "keep-alive", "--once", "{L1}");
            s.run("lease", "revoke", "{L1}");
            s.run("put", "/lease/d", "4", "--lease={L1}");
            s.runSorted("lease", "list");
            s.run("lease", "grant", "1");
            s.run("lease", "revoke", "{L3}");
            s.run("lease", "revoke", "{L2}");
            s.runSorted("lease", "list");
            s.run("get", "/lease/", "--prefix", "-w", "json");
        });
    }

    @Test
    public void compactionAndReadingBelowIt() {
        compare("compaction", s -> {
            s.run("put", "/compact/k", "v1");
            s.run("put", "/compact/k", "v2");
            s.run("put", "/compact/k", "v3");
            s.run("put", "/compact/j", "x");
            s.run("del", "/compact/j");
            s.run("compact", "{R+3}");
            s.run("get", "/compact/k", "--rev={R+2}");
            s.run("get", "/compact/k", "--rev={R+3}", "-w", "json");
            s.run("get", "/compact/", "--prefix", "--rev={R+4}", "-w", "json");
            s.run("get", "/compact/", "--prefix", "-w", "json");
            s.run("watch", "/compact/k", "--rev={R+1}");
            try (BackgroundEtcdctl atCompaction = s.start("watch", "/compact/k", "--rev={R+3}")) {
                s.record("watch at the compacted revision replays it",
                        String.valueOf(atCompaction.awaitStdout(WAIT, out -> out.contains("v3"))));
                s.record("watch at the compacted revision output", atCompaction.stop());
            }
            s.run("compact", "{R+3}");
            s.run("compact", "{R+2}");
            s.run("compact", "{R+100}");
            s.run("compact", "{R+5}", "--physical");
            s.run("get", "/compact/", "--prefix", "--rev={R+4}");
            s.run("get", "/compact/", "--prefix", "--rev={R+5}", "-w", "json");
            s.run("del", "/compact/", "--prefix");
        });
    }

    @Test
    public void defragKeepsData() {
        compare("defrag", s -> {
            s.run("put", "/defrag/k", "kept");
            s.run("defrag");
            s.run("get", "/defrag/k", "-w", "json");
            s.run("defrag", "--cluster");
            s.run("get", "/defrag/k");
            s.run("del", "/defrag/k");
        });
    }

    @Test
    public void endpointStatusAndHealth() {
        compare("endpoint", s -> {
            s.runShape("endpoint", "status");
            EtcdctlResult json = s.runShape("endpoint", "status", "-w", "json");
            s.record("endpoint status: every member names the same leader, one of them",
                    String.valueOf(oneLeaderAmongThem(json.stdout())));
            s.runShape("endpoint", "status", "--cluster");
            s.run("endpoint", "health");
            s.run("endpoint", "health", "-w", "json");
            s.run("endpoint", "health", "--cluster");
            s.runShape("endpoint", "hashkv");
        });
    }

    @Test
    public void memberList() {
        compare("member", s -> {
            s.runShape("member", "list");
            s.runShape("member", "list", "-w", "json");
            EtcdctlResult members = s.etcdctl().run("member", "list", "-w", "json");
            EtcdctlResult status = s.etcdctl().run("endpoint", "status", "-w", "json");
            s.record("member list: the members are the endpoints answering", String.valueOf(
                    all(MEMBER_ID, members.stdout()).equals(all(HEADER_MEMBER_ID, status.stdout()))));
        });
    }

    @Test
    public void lockExcludesASecondHolderUntilReleased() {
        compare("lock", s -> {
            try (BackgroundEtcdctl holder = s.start("lock", "/lock/l1");
                    BackgroundEtcdctl waiter = startAfter(holder, s, "lock", "/lock/l1", "echo", "acquired")) {
                s.record("lock holder printed its key", String.valueOf(holder.awaitLines(WAIT, 1)));
                s.record("waiter queued behind the holder", String.valueOf(awaitKeys(s, "/lock/l1", 2)));
                s.record("waiter still waiting while the lock is held", String.valueOf(waiter.isAlive()));
                s.record("holder after SIGTERM", holder.stop());
                s.record("waiter ran its command once the lock was released", waiter.awaitExit(WAIT));
            }
            s.run("get", "/lock/", "--prefix", "--keys-only");
            s.run("lock", "/lock/l2", "echo", "uncontended");
        });
    }

    @Test
    public void electionHandsLeadershipToTheNextCandidate() {
        compare("elect", s -> {
            try (BackgroundEtcdctl first = s.start("elect", "/elect/e", "p1");
                    BackgroundEtcdctl observer = startAfter(first, s, "elect", "-l", "/elect/e")) {
                s.record("observer saw p1", String.valueOf(observer.awaitStdout(WAIT, out -> out.contains("p1"))));
                try (BackgroundEtcdctl second = s.start("elect", "/elect/e", "p2")) {
                    s.record("p2 queued as a candidate", String.valueOf(awaitKeys(s, "/elect/e", 2)));
                    s.record("p2 not leader while p1 leads", second.stdout());
                    s.record("p1 after SIGTERM", first.stop());
                    s.record("p2 became leader", String.valueOf(second.awaitStdout(WAIT, out -> out.contains("p2"))));
                    s.record("observer saw p2", String.valueOf(observer.awaitStdout(WAIT, out -> out.contains("p2"))));
                    // the observer goes first: stopped while p2 resigns it could be caught mid-request (a timing)
                    s.record("observer output", observer.stop());
                    s.record("p2 after SIGTERM", second.stop());
                }
            }
            s.run("get", "/elect/", "--prefix", "--keys-only");
        });
    }

    @Test
    public void errorsMatchEtcd() {
        compare("errors", s -> {
            s.runWithInput("x".repeat(1_600_000), "put", "/err/big");
            s.run("put", "", "v");
            s.run("get", "");
            s.run("del", "");
            s.run("put", "/err/k", "v", "--lease=1234abcd");
            s.run("lease", "revoke", "1234abcd");
            s.run("lease", "timetolive", "1234abcd");
            s.run("lease", "keep-alive", "--once", "1234abcd");
            s.run("lease", "grant", "9000000001");
            s.runWithInput(txnOfPuts(129), "txn");
            s.runWithInput(txnOfPuts(128), "txn", "-w", "json");
            s.runWithInput("\nput /err/dup 1\nput /err/dup 2\n\n\n", "txn");
            s.runWithInput("\nput /err/dup/x 1\ndel /err/dup/ --prefix\n\n\n", "txn");
            s.runWithInput("\nput /err/same 1\ndel /err/same\n\n\n", "txn");
            s.runWithInput("value(\"/err/k\") = \"v\"\n\nput /err/then 1\n\nput /err/else 1\nput /err/else 2\n\n",
                    "txn");
            s.run("put", "/err/missing", "--ignore-value");
            s.run("get", "/err/k", "--rev={R+1000}");
            s.run("compact", "{R+1000}");
            s.run("get", "/err/", "--prefix", "--limit=1", "-w", "json");
            s.run("del", "/err/", "--prefix");
        });
    }

    private static String txnOfPuts(int n) {
        return "\n" + IntStream.rangeClosed(1, n).mapToObj(i -> "put /err/txn/" + i + " v")
                .collect(Collectors.joining("\n")) + "\n\n\n";
    }

    /** Waits until {@code n} keys exist under the prefix (a lock waiter or election candidate has queued). */
    private static boolean awaitKeys(EtcdctlSession s, String prefix, int n) {
        return Await.within(WAIT, () -> s.etcdctl()
                .run("get", prefix, "--prefix", "--keys-only").stdout().lines().filter(l -> !l.isBlank()).count() >= n);
    }

    /** Starts a command once {@code first} has printed (it holds the lock, leads the election). */
    private static BackgroundEtcdctl startAfter(BackgroundEtcdctl first, EtcdctlSession s, String... args) {
        first.awaitLines(WAIT, 1);
        return s.start(args);
    }

    /** "true", or "false" with the numbers that made it so. */
    private static String remainingBelowGranted(String timeToLiveJson) {
        Matcher m = TTL_JSON.matcher(timeToLiveJson);
        if (!m.find()) {
            return "false: no ttl and granted-ttl in " + timeToLiveJson.strip();
        }
        return Long.parseLong(m.group(1)) < Long.parseLong(m.group(2)) ? "true"
                : "false: ttl " + m.group(1) + " of granted-ttl " + m.group(2);
    }

    /** All endpoints report the same leader, and it is one of them (for a single server: itself). */
    private static boolean oneLeaderAmongThem(String statusJson) {
        Set<String> leaders = all(STATUS_LEADER, statusJson);
        return leaders.size() == 1 && all(HEADER_MEMBER_ID, statusJson).containsAll(leaders);
    }

    private static Set<String> all(Pattern pattern, String text) {
        Set<String> values = new HashSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }

    /** Runs the scenario on etcd, then on Cairn, and fails listing every step whose output differs. */
    private void compare(String area, Consumer<EtcdctlSession> scenario) {
        EtcdctlSession expected = new EtcdctlSession(reference());
        scenario.accept(expected);
        EtcdctlSession actual = new EtcdctlSession(cairn());
        Throwable aborted = null;
        try {
            scenario.accept(actual);
        } catch (RuntimeException | AssertionError e) {
            aborted = e;
        }
        String cairnKind = cairn().get(0).kind();
        expected.save(reference().get(0).name() + "." + area);
        actual.save(cairn().get(0).name() + "." + area);
        List<String> differences = EtcdctlSession.differences(expected.steps(), actual.steps(), "etcd", cairnKind);
        if (!differences.isEmpty() || aborted != null) {
            fail(area + ": " + differences.size() + " of " + expected.steps().size() + " steps differ between etcd "
                    + "and " + cairnKind + (aborted == null ? "" : "; the scenario aborted on " + cairnKind
                    + ": " + aborted) + "\n\n" + String.join("\n\n", differences) + "\n\n" + cairnContext());
        }
    }
}
