package dev.cairn.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import dev.cairn.itests.e2e.support.Await;
import dev.cairn.itests.e2e.support.CairnCluster;
import dev.cairn.itests.e2e.support.CairnProcess;
import dev.cairn.itests.e2e.support.ClientTls;
import dev.cairn.itests.e2e.support.Etcdctl;
import dev.cairn.itests.e2e.support.ServerUnderTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Test;

/**
 * The operator's view of real server processes (127.0.0.70–73): a slow disk (the fsyncDelay failpoint) is named in
 * the log with the advice and shows in /metrics; a member that lost quorum answers /readyz with 503 and the reason
 * on the metrics port and on 6443, while /livez stays 200 (Kubernetes must not restart it).
 */
public class SlowDiskAndProbesIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private CairnProcess server;
    private CairnCluster cluster;

    @After
    public void stop() {
        if (server != null) {
            server.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static HttpResponse<String> get(HttpClient client, String url) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static HttpResponse<String> metricsPort(CairnProcess s, String path) {
        return get(HTTP, "http://" + s.address() + ":" + CairnProcess.METRICS_PORT + path);
    }

    private static HttpResponse<String> apiPort(CairnProcess s, String path) {
        HttpClient https = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                .sslContext(new ClientTls(s.dataDir().resolve("server/tls/server-ca.crt"), null, null).sslContext())
                .build();
        return get(https, "https://" + s.address() + ":" + CairnCluster.SUPERVISOR_PORT + path);
    }

    /** The status code, or -1 while the port does not answer yet (a server still starting its listeners). */
    private static int status(java.util.function.Supplier<HttpResponse<String>> call) {
        try {
            return call.get().statusCode();
        } catch (AssertionError notListening) {
            return -1;
        }
    }

    /** The value of the one sample {@code series} (name with its labels, as written) in an exposition. */
    private static double sample(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
        assertTrue("no sample " + series + " in\n" + exposition, m.find());
        return Double.parseDouble(m.group(1));
    }

    @Test
    public void aSlowDiskIsLoggedWithTheAdviceAndShownInTheMetrics() {
        assumeTrue("a Cairn server", ServerUnderTest.isCairn());
        server = CairnProcess.create("slow-disk", "127.0.0.70", "--disable-apiserver")
                .withEnvironment("CAIRN_FAILPOINTS", "fsyncDelay=150ms");
        server.start();
        Etcdctl etcdctl = new Etcdctl(server);
        for (int i = 0; i < 3; i++) {
            etcdctl.run("put", "/slow/k" + i, "v").requireSuccess();
        }
        String log = server.outputOfLastLaunch();
        assertTrue(log, log.contains("event=disk_probe dir="));
        Matcher warning = Pattern.compile("slow disk dir=(\\S+) fsyncP99Ms=(\\S+) toleratedP99Ms=100\\.0 .*action=\""
                + "move the data dir \\(--data-dir\\)").matcher(log);
        assertTrue("the slow-disk warning names the dir, the figure and the advice\n" + log, warning.find());
        assertTrue(warning.group(2), Double.parseDouble(warning.group(2)) >= 150);

        HttpResponse<String> r = metricsPort(server, "/metrics");
        assertEquals(200, r.statusCode());
        String m = r.body();
        String dir = "{dir=\"" + warning.group(1) + "\"}";
        assertEquals(1, sample(m, "cairn_disk_slow" + dir), 0);
        assertTrue(sample(m, "cairn_disk_fsync_probe_p99_seconds" + dir) >= 0.15);
        assertTrue(sample(m, "etcd_disk_wal_fsync_duration_seconds_count") >= 3);
        assertEquals("every fsync took the injected 150 ms", 0,
                sample(m, "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.128\"}"), 0);
    }

    @Test
    public void aSlowRaftLogDiskNamesTheElectionTimeoutAndItsFlushesAreMeasured() {
        assumeTrue("a Cairn server", ServerUnderTest.isCairn());
        server = CairnProcess.create("slow-raft-disk", "127.0.0.70", "--cluster-init", "--token", "slow-disk",
                "--disable-apiserver").withEnvironment("CAIRN_FAILPOINTS", "fsyncDelay=150ms");
        server.start();
        new Etcdctl(server).run("put", "/slow/raft", "v").requireSuccess();
        String log = server.outputOfLastLaunch();
        assertTrue("the warning names the election timeout flag and its value\n" + log, Pattern.compile(
                "slow disk dir=\\S+/server/db/etcd fsyncP99Ms=\\S+ toleratedP99Ms=100\\.0 .*--etcd-election-timeout \\(now"
                + " 400 ms").matcher(log).find());
        String m = metricsPort(server, "/metrics").body();
        assertTrue("the Raft log's flushes are measured", sample(m, "etcd_disk_wal_fsync_duration_seconds_count") >= 1);
        assertEquals("every log flush took the injected 150 ms", 0,
                sample(m, "etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.128\"}"), 0);
        assertTrue(sample(m, "etcd_server_leader_changes_seen_total") >= 1);
    }

    @Test
    public void aMemberWithoutQuorumIsNotReadyButStaysLive() {
        assumeTrue("a Cairn cluster", ServerUnderTest.isCairn());
        cluster = new CairnCluster("ops", 71, 3);
        cluster.start();
        int leader = cluster.awaitLeader(WAIT);
        for (CairnProcess s : cluster.servers()) {
            Await.until(s.name() + " ready on both ports", WAIT, () -> status(() -> metricsPort(s, "/readyz")) == 200
                    && status(() -> apiPort(s, "/readyz")) == 200, s::logTail);
        }
        String led = metricsPort(cluster.server(leader), "/metrics").body();
        assertEquals("the leader reports both followers' lag", 2,
                led.lines().filter(l -> l.startsWith("cairn_raft_follower_lag_entries{member=")).count());
        assertTrue(sample(led, "etcd_server_leader_changes_seen_total") >= 1);

        int survivor = leader == 1 ? 2 : 1;
        for (int i : List.of(1, 2, 3)) {
            if (i != survivor) {
                cluster.kill(i);
            }
        }
        CairnProcess alone = cluster.server(survivor);
        Await.until("the member without quorum to report not ready", WAIT,
                () -> status(() -> metricsPort(alone, "/readyz")) == 503, alone::logTail);
        HttpResponse<String> ready = metricsPort(alone, "/readyz");
        assertTrue(ready.body(), ready.body().startsWith("[-]linearizable_read failed: ")
                && ready.body().endsWith("readyz check failed"));
        HttpResponse<String> apiReady = apiPort(alone, "/readyz");
        assertEquals(apiReady.body(), 503, apiReady.statusCode());
        assertTrue(apiReady.body(), apiReady.body().startsWith("[-]etcd-linearizable-read failed: "));
        for (int probe = 0; probe < 3; probe++) {
            HttpResponse<String> live = metricsPort(alone, "/livez");
            assertEquals(live.body(), 200, live.statusCode());
            HttpResponse<String> apiLive = apiPort(alone, "/livez");
            assertEquals(apiLive.body(), 200, apiLive.statusCode());
            assertEquals(503, metricsPort(alone, "/readyz").statusCode());
        }
    }
}
