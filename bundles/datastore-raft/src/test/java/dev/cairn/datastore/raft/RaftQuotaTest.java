package dev.cairn.datastore.raft;

import static dev.cairn.datastore.raft.ClusterCalls.assertFails;
import static dev.cairn.datastore.raft.ClusterCalls.follower;
import static dev.cairn.datastore.raft.ClusterCalls.get;
import static dev.cairn.datastore.raft.ClusterCalls.put;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.Alarm;
import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.StoreError;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The NOSPACE alarm is a replicated command: raised by a member over its quota, it holds on every member. */
public class RaftQuotaTest {
    @Rule
    public final TemporaryFolder dirs = new TemporaryFolder();

    @Test
    public void aMemberOverItsQuotaRaisesNoSpaceForTheWholeClusterUntilDisarmed() throws Exception {
        long quota = 256 * 1024;
        try (TestCluster c = TestCluster.start(dirs.newFolder().toPath(), 3, Map.of(), i -> null, quota)) {
            int leader = c.awaitLeaderIndex();
            RaftDatastore writer = c.member(leader);
            int i = 0;
            while (writer.alarms().isEmpty()) {
                try {
                    get(writer.put(PutRequest.of(Bytes.utf8("k" + (i++ % 20)), new byte[8192])));
                } catch (dev.cairn.datastore.api.DatastoreException e) {
                    assertEquals(StoreError.NO_SPACE, e.error());
                }
                assertTrue("no alarm after " + i + " puts", i < 1000);
            }
            for (int m = 0; m < c.size(); m++) {
                RaftDatastore member = c.member(m);
                TestCluster.await("member " + m + " to hold the alarm", () -> !member.alarms().isEmpty());
                assertEquals(Alarm.Type.NOSPACE, member.alarms().get(0).type());
            }
            RaftDatastore other = c.member(follower(c, leader));
            assertFails(StoreError.NO_SPACE, other.put(put("x", "1")));
            assertFails(StoreError.NO_SPACE, other.leaseGrant(0, 10));
            get(other.delete(DeleteRequest.of(KeyRange.prefix(Bytes.utf8("k")))));
            get(other.compact(other.currentRevision(), true));
            for (int m = 0; m < c.size(); m++) {
                RaftDatastore member = c.member(m);
                // each member deletes the compacted versions on its own, then gives the space back
                TestCluster.await("member " + m + " to shrink below the quota", () -> {
                    try {
                        get(member.defragment());
                    } catch (Exception e) {
                        return false;
                    }
                    return member.status().dbSize() < quota;
                });
            }
            other.disarm(Alarm.Type.NOSPACE);
            for (int m = 0; m < c.size(); m++) {
                RaftDatastore member = c.member(m);
                TestCluster.await("member " + m + " to clear the alarm", () -> member.alarms().isEmpty());
            }
            get(other.put(put("x", "1")));
            assertEquals(List.of(), writer.alarms());
        }
    }
}
