package dev.cairn.datastore.raft;

import static dev.cairn.datastore.raft.ClusterCalls.get;
import static dev.cairn.datastore.raft.ClusterCalls.put;
import static dev.cairn.datastore.raft.ClusterCalls.read;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.spi.BackendSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** K3s's --cluster-reset: one member of a cluster that lost quorum becomes a one-member cluster with its data. */
public class ClusterResetTest {
    @Rule
    public final TemporaryFolder dirs = new TemporaryFolder();

    @Test
    public void aResetMemberRestartsAloneWithAllItsDataAndLeads() throws Exception {
        Path root = dirs.newFolder().toPath();
        try (TestCluster c = TestCluster.start(root, 3, Map.of())) {
            int leader = c.awaitLeaderIndex();
            for (int k = 0; k < 30; k++) {
                get(c.member(leader).put(put("key-" + k, "value-" + k)));
            }
            get(c.member(leader).delete(dev.cairn.datastore.api.DeleteRequest.of(KeyRange.single(
                    Bytes.utf8("key-0")))));
            long revision = c.member(leader).currentRevision();
            TestCluster.await("member 1 to apply everything", () -> c.member(1).currentRevision() == revision);
            long hash = get(c.member(1).hashKV(revision)).hash();
            for (int i = 2; i >= 0; i--) {
                c.stop(i);
            }

            RaftSettings reset = c.settings(1, Map.of(RaftSettings.RESET, "true"));
            RaftDatastore alone = ClusterReset.run(reset);
            try {
                assertTrue(alone.node().isLeader());
                assertEquals(revision, alone.currentRevision());
            } finally {
                alone.close();
            }
            Path flag = ClusterReset.flagFile(reset);
            assertTrue(Files.exists(flag));
            try (var dir = Files.list(reset.dir())) {
                assertTrue("the old Raft storage is kept aside",
                        dir.anyMatch(p -> p.getFileName().toString().startsWith("raft-old-")));
            }
            try {
                ClusterReset.run(reset);
                fail("a second reset ran with the flag present");
            } catch (IllegalStateException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("Managed etcd cluster membership was previously"
                        + " reset, please remove the cluster-reset flag and start cairn normally."));
                assertTrue(e.getMessage(), e.getMessage().endsWith("you must first manually delete the file at "
                        + flag));
            }
            assertEquals("Managed etcd cluster membership has been reset, restart without --cluster-reset flag now."
                    + " Backup and delete " + reset.dir().getParent() + " on each peer etcd server and rejoin the"
                    + " nodes", ClusterReset.doneMessage(reset));

            RaftDatastore restarted = c.restart(1);
            assertTrue(restarted.awaitLeader(TestCluster.WAIT));
            TestCluster.await("the restarted member to lead", () -> restarted.node().isLeader());
            assertEquals(revision, restarted.currentRevision());
            assertEquals(hash, get(restarted.hashKV(revision)).hash());
            assertEquals(29, get(restarted.range(RangeRequest.of(KeyRange.prefix(Bytes.utf8("key-"))))).count());
            assertArrayEquals(Bytes.utf8("value-7"), read(restarted, "key-7").value());
            assertEquals(revision + 1, get(restarted.put(put("after-reset", "1"))).revision());
            assertEquals(1, restarted.cluster().members().size());
            assertFalse(restarted.cluster().members().get(0).learner());
        }
    }

    @Test
    public void aServerWithoutRaftStorageCannotBeReset() throws Exception {
        BackendSettings s = new BackendSettings(dirs.newFolder().toPath(), "", "n", List.of(),
                List.of("https://127.0.0.1:" + TestCluster.freeLoopbackPort()), 0, null,
                Map.of(RaftSettings.RESET, "true"));
        try {
            ClusterReset.run(RaftSettings.from(s)).close();
            fail("reset without Raft storage");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("holds no Raft storage"));
        }
    }
}
