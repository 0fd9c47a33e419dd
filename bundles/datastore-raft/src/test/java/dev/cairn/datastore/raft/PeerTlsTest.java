package dev.cairn.datastore.raft;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Peer traffic with mutual TLS from a peer CA (certificates with the members' IP SANs). */
public class PeerTlsTest {
    @Rule
    public final TemporaryFolder dirs = new TemporaryFolder();

    @Test
    public void aClusterReplicatesOverMutualTls() throws Exception {
        Path certs = dirs.newFolder("tls").toPath();
        PeerCertificates ca = new PeerCertificates(certs, "peer-ca");
        List<RaftSettings.PeerTls> files = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            files.add(ca.issue("m" + i, TestCluster.host(i)));
        }
        try (TestCluster c = TestCluster.start(dirs.newFolder().toPath(), 3, Map.of(), files::get)) {
            int leader = c.awaitLeaderIndex();
            RaftDatastore follower = c.member((leader + 1) % 3);
            follower.put(PutRequest.of(Bytes.utf8("secure"), Bytes.utf8("1"))).get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 3; i++) {
                var kvs = c.member(i).range(RangeRequest.of(KeyRange.single(Bytes.utf8("secure"))))
                        .get(30, TimeUnit.SECONDS).kvs();
                assertEquals(1, kvs.size());
                assertArrayEquals(Bytes.utf8("1"), kvs.get(0).value());
            }
        }
    }
}
