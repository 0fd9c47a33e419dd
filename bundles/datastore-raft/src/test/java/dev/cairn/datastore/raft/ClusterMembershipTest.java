package dev.cairn.datastore.raft;

import static dev.cairn.datastore.raft.ClusterCalls.assertFails;
import static dev.cairn.datastore.raft.ClusterCalls.follower;
import static dev.cairn.datastore.raft.ClusterCalls.get;
import static dev.cairn.datastore.raft.ClusterCalls.memberNamed;
import static dev.cairn.datastore.raft.ClusterCalls.put;
import static dev.cairn.datastore.raft.ClusterCalls.read;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.ClusterState;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import dev.cairn.datastore.api.Member;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.raft.Command.Proposal;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.RaftClientReply;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Members joining, catching up from a snapshot, being promoted and removed; leases across a leader change. */
public class ClusterMembershipTest {
    @Rule
    public final TemporaryFolder dirs = new TemporaryFolder();

    @Test
    public void aFollowerBehindAPurgedLogCatchesUpFromASnapshot() throws Exception {
        Map<String, String> small = Map.of(RaftSettings.SNAPSHOT_EVERY, "64", RaftSettings.SEGMENT_BYTES, "16384");
        try (TestCluster c = TestCluster.start(dirs.newFolder().toPath(), 3, small)) {
            int leader = c.awaitLeaderIndex();
            int lagging = follower(c, leader);
            c.stop(lagging);
            RaftDatastore writer = c.member(leader);
            byte[] value = new byte[200];
            for (int i = 0; i < 400; i++) {
                get(writer.put(PutRequest.of(Bytes.utf8("k" + (i % 50)), value)));
            }
            long startIndex = writer.node().division().getRaftLog().getStartIndex();
            assertTrue("the leader purged its log (starts at " + startIndex + ")", startIndex > 100);
            try (var files = java.nio.file.Files.list(writer.node().division().getRaftStorage().getStorageDir()
                    .getStateMachineDir().toPath())) {
                long snapshots = files.filter(f -> f.getFileName().toString().matches("snapshot\\.\\d+_\\d+"))
                        .count();
                assertTrue("snapshot retention keeps at most 2, found " + snapshots, snapshots >= 1 && snapshots <= 2);
            }
            RaftDatastore back = c.restart(lagging);
            long target = writer.currentRevision();
            TestCluster.await("the restarted member to catch up", () -> back.currentRevision() == target);
            assertEquals(get(writer.hashKV(target)).hash(), get(back.hashKV(target)).hash());
            assertEquals(50, get(back.range(RangeRequest.of(KeyRange.all()))).count());
            get(back.put(put("after-catch-up", "1")));
            assertArrayEquals(Bytes.utf8("1"), read(writer, "after-catch-up").value());
        }
    }

    @Test
    public void aLearnerIsListedAsLearnerUntilPromoted() throws Exception {
        try (TestCluster c = TestCluster.start(dirs.newFolder().toPath(), 1, Map.of())) {
            RaftDatastore founder = c.member(0);
            get(founder.put(put("a", "1")));
            RaftDatastore joining = c.join(true);
            TestCluster.await("the learner to apply the founder's write",
                    () -> joining.currentRevision() == founder.currentRevision());
            assertArrayEquals("a learner reads linearizably (through the leader)", Bytes.utf8("1"),
                    read(joining, "a").value());
            TestCluster.await("the learner to publish its name",
                    () -> founder.cluster().members().stream().anyMatch(m -> m.name().equals(joining.name())));
            Member asLearner = memberNamed(founder.cluster(), joining.name());
            assertTrue("listed as learner", asLearner.learner());
            assertTrue(joining.cluster().learner());
            assertEquals(List.of("https://127.0.0.12:2379"), asLearner.clientUrls());
            TestCluster.await("the learner to catch up", () -> caughtUp(founder, joining));
            Member promoted = get(founder.raftMembership().promoteMember(joining.memberId()));
            assertFalse("a voter after promotion", promoted.learner());
            assertFalse(memberNamed(founder.cluster(), joining.name()).learner());
            get(joining.put(put("b", "2")));
            assertArrayEquals(Bytes.utf8("2"), read(founder, "b").value());
            get(founder.raftMembership().moveLeader(joining.memberId()));
            TestCluster.await("the promoted member to lead", () -> joining.node().isLeader());
            assertEquals(joining.memberId(), founder.cluster().leaderId());
            get(joining.raftMembership().moveLeader(founder.memberId()));
            TestCluster.await("the founder to lead again", () -> founder.node().isLeader());
            get(founder.raftMembership().removeMember(joining.memberId()));
            assertEquals(1, founder.cluster().members().size());
        }
    }

    /**
     * A removed server stops (in the distribution its process exits), but not before the configuration without it
     * could be committed: in a cluster of two voters that configuration needs its vote. It used to stop as soon as
     * it applied the record of its removal, and the other server was left campaigning without a leader for good.
     */
    @Test
    public void removingOneOfTwoVotersLeavesTheOtherLeadingAndTheRemovedOneStops() throws Exception {
        try (TestCluster c = TestCluster.start(dirs.newFolder().toPath(), 2, Map.of())) {
            int leader = c.awaitLeaderIndex();
            int other = 1 - leader;
            RaftDatastore stays = c.member(leader);
            RaftDatastore gone = c.member(other);
            CompletableFuture<String> stopped = new CompletableFuture<>();
            gone.onRemoved(message -> {
                gone.node().close(); // at once, as the server's process exits
                c.stop(other);
                stopped.complete(message);
            });
            get(stays.raftMembership().removeMember(gone.memberId()));
            assertTrue(stopped.get(30, TimeUnit.SECONDS).contains("removed from the cluster"));
            get(stays.put(put("after-removal", "v")));
            assertTrue("still the leader", stays.node().isLeader());
            assertEquals(1, stays.cluster().members().size());
        }
    }

    static boolean caughtUp(RaftDatastore leader, RaftDatastore learner) {
        return LearnerProgress.caughtUp(leader.node().division(), learner.node().id());
    }

    private static final long LEASE_TTL = 8;

    /** The leader owns lease deadlines: keep-alives from a follower reach it; a new leader renews every lease. */
    @Test
    public void leasesAreKeptAliveThroughFollowersRenewedByANewLeaderAndExpiredByTheLeader() throws Exception {
        try (TestCluster c = TestCluster.start(dirs.newFolder().toPath(), 3, Map.of())) {
            int leader = c.awaitLeaderIndex();
            int first = follower(c, leader);
            RaftDatastore f = c.member(first);
            // long enough that an election on a loaded machine cannot outlast it, short enough to wait for expiry
            long lease = get(f.leaseGrant(0, LEASE_TTL)).id();
            get(f.put(PutRequest.of(Bytes.utf8("leased"), Bytes.utf8("v"), lease)));
            assertEquals(LEASE_TTL, (long) get(f.leaseKeepAlive(lease)));
            var ttl = get(f.leaseTimeToLive(lease, true));
            assertEquals(LEASE_TTL, ttl.grantedTtl());
            assertEquals(1, ttl.keys().size());
            c.stop(leader);
            int next = c.awaitLeaderIndex();
            assertTrue("the new leader gave the lease a fresh deadline",
                    get(f.leaseTimeToLive(lease, false)).ttl() >= 0);
            TestCluster.await("the lease to expire on the new leader's revoke", () -> {
                try {
                    return read(f, "leased") == null;
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals(-1, get(c.member(next).leaseTimeToLive(lease, false)).ttl());
            assertFalse(get(c.member(next).leases()).contains(lease));
        }
    }
}
