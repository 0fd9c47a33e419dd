package dev.cairn.etcd.server;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.ClassRule;
import org.junit.Test;

/** The NOSPACE alarm as etcdctl, Status and /health show it, and disarming it. */
public class AlarmTest {
    @ClassRule
    public static final EtcdServerRule SERVER = new EtcdServerRule().quotaBytes(128 * 1024);

    @Test
    public void aFullStoreRaisesNospaceWhichCanBeListedAndDisarmed() throws Exception {
        Etcdctl etcdctl = SERVER.etcdctl();
        String value = "v".repeat(8 * 1024);
        Etcdctl.Result refused = null;
        for (int i = 0; i < 100 && refused == null; i++) {
            Etcdctl.Result r = etcdctl.run("put", "/alarm/" + i, value);
            if (r.exitCode() != 0) {
                refused = r;
            }
        }
        assertTrue("the quota was never reached", refused != null);
        assertTrue(refused.err(), refused.err().contains("etcdserver: mvcc: database space exceeded"));

        long member = SERVER.datastore.cluster().memberId();
        String alarm = "memberID:" + Long.toUnsignedString(member) + " alarm:NOSPACE \n";
        assertEquals(alarm, etcdctl.run("alarm", "list").ok().out());
        String status = etcdctl.run("endpoint", "status", "-w", "json").ok().out();
        assertTrue(status, status.contains("\"errors\":[\"memberID:" + Long.toUnsignedString(member)
                + " alarm:NOSPACE \"]"));
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + SERVER.server.metricsPort() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(503, health.statusCode());
        assertEquals("{\"health\":\"false\",\"reason\":\"ALARM NOSPACE\"}", health.body());

        // etcd's way out: free the space, then disarm.
        etcdctl.run("del", "--prefix", "/alarm/").ok();
        etcdctl.run("compaction", "--physical", Long.toString(SERVER.datastore.currentRevision())).ok();
        etcdctl.run("defrag").ok();
        assertEquals(alarm, etcdctl.run("alarm", "disarm").ok().out());
        assertEquals("", etcdctl.run("alarm", "list").ok().out());
        assertEquals("OK\n", etcdctl.run("put", "/alarm/after", "v").ok().out());
    }
}
