package dev.cairn.datastore.raft;

import static dev.cairn.datastore.raft.ClusterCalls.assertFails;
import static dev.cairn.datastore.raft.ClusterCalls.get;
import static dev.cairn.datastore.raft.ClusterCalls.put;
import static dev.cairn.datastore.raft.ClusterCalls.read;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.Member;
import dev.cairn.datastore.api.StoreError;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** etcd's Cluster API on the Raft backend: members added by URL, joining in either order, and the errors. */
public class MembershipApiTest {
    @Rule
    public final TemporaryFolder dirs = new TemporaryFolder();

    @Test
    public void aMemberAddedByUrlIsListedWithoutNameThenBecomesAVoterWhenItsServerStarts() throws Exception {
        try (TestCluster c = TestCluster.start(dirs.newFolder().toPath(), 1, Map.of())) {
            RaftDatastore founder = c.member(0);
            get(founder.put(put("a", "1")));
            int i = c.reserve();
            Member added = get(founder.raftMembership().addMember("", List.of(c.peerUrl(i)), false));
            assertEquals("", added.name());
            assertTrue(added.learner());
            assertEquals(MemberIds.ofPeerUrl(c.peerUrl(i)), added.id());
            Member listed = founder.cluster().members().stream().filter(m -> m.id() == added.id()).findFirst()
                    .orElseThrow();
            assertEquals("", listed.name());
            assertTrue("listed as a learner until it starts and is promoted", listed.learner());
            RaftDatastore joined = c.startJoining(i);
            assertEquals("its server has the id it was added with", added.id(), joined.memberId());
            c.awaitVoters(2);
            get(joined.put(put("b", "2")));
            assertArrayEquals(Bytes.utf8("1"), read(joined, "a").value());
            assertArrayEquals(Bytes.utf8("2"), read(founder, "b").value());
        }
    }

    @Test
    public void aServerStartedBeforeItIsAddedJoinsOnceAdded() throws Exception {
        try (TestCluster c = TestCluster.start(dirs.newFolder().toPath(), 1, Map.of())) {
            RaftDatastore founder = c.member(0);
            int i = c.reserve();
            RaftDatastore waiting = c.startJoining(i);
            assertEquals(1, founder.cluster().members().size());
            get(founder.raftMembership().addMember("", List.of(c.peerUrl(i)), false));
            c.awaitVoters(2);
            get(waiting.put(put("k", "v")));
            assertArrayEquals(Bytes.utf8("v"), read(founder, "k").value());
        }
    }

    @Test
    public void twoServersJoiningAtOnceBothBecomeVoters() throws Exception {
        try (TestCluster c = TestCluster.start(dirs.newFolder().toPath(), 1, Map.of())) {
            RaftDatastore founder = c.member(0);
            int first = c.reserve();
            int second = c.reserve();
            CompletableFuture<Member> a = founder.raftMembership().addMember("", List.of(c.peerUrl(first)), false);
            CompletableFuture<Member> b = founder.raftMembership().addMember("", List.of(c.peerUrl(second)), false);
            get(a);
            get(b);
            c.startJoining(first);
            c.startJoining(second);
            c.awaitVoters(3);
            for (int m = 0; m < 3; m++) {
                get(c.member(m).put(put("from-" + m, "x")));
            }
            assertEquals(3, ClusterCalls.get(founder.range(dev.cairn.datastore.api.RangeRequest.of(
                    dev.cairn.datastore.api.KeyRange.prefix(Bytes.utf8("from-"))))).count());
        }
    }

    @Test
    public void membershipErrorsAreEtcds() throws Exception {
        try (TestCluster c = TestCluster.start(dirs.newFolder().toPath(), 1, Map.of())) {
            RaftDatastore founder = c.member(0);
            RaftMembership api = founder.raftMembership();
            assertFails(StoreError.MEMBER_NOT_ENOUGH_STARTED, api.removeMember(founder.memberId()));
            assertFails(StoreError.MEMBER_NOT_LEARNER, api.promoteMember(founder.memberId()));
            assertFails(StoreError.MEMBER_NOT_FOUND, api.promoteMember(42));
            assertFails(StoreError.MEMBER_NOT_FOUND, api.removeMember(42));
            assertFails(StoreError.BAD_LEADER_TRANSFEREE, api.moveLeader(42));
            assertFails(StoreError.MEMBER_BAD_URLS, api.addMember("", List.of("not a url"), false));
            assertFails(StoreError.PEER_URL_EXISTS, api.addMember("", List.of(c.peerUrl(0)), false));
            int i = c.reserve();
            Member absent = get(api.addMember("", List.of(c.peerUrl(i)), true));
            assertFails(StoreError.PEER_URL_EXISTS, api.addMember("again", List.of(c.peerUrl(i)), false));
            // a recorded member whose server never started has not caught up
            assertFails(StoreError.LEARNER_NOT_READY, api.promoteMember(absent.id()));
            assertFails(StoreError.BAD_LEADER_TRANSFEREE, api.moveLeader(absent.id()));
            Member moved = get(api.updateMember(absent.id(), List.of("https://127.0.0.99:2380")));
            assertEquals(List.of("https://127.0.0.99:2380"), moved.peerUrls());
            get(api.removeMember(absent.id()));
            assertEquals(1, api.members().size());
            get(founder.put(put("still", "writable")));
        }
    }

    /** A removed member that keeps running cannot disturb the others (its votes are refused; it is shut down). */
    @Test
    public void aRemovedMemberDoesNotDisruptTheOthers() throws Exception {
        try (TestCluster c = TestCluster.start(dirs.newFolder().toPath(), 3, Map.of())) {
            int leader = c.awaitLeaderIndex();
            int gone = ClusterCalls.follower(c, leader);
            RaftDatastore removed = c.member(gone);
            RaftDatastore writer = c.member(leader);
            // no wait for the members to publish their records: a publication racing the removal must not bring
            // the removed member back
            long term = writer.cluster().raftTerm();
            get(writer.raftMembership().removeMember(removed.memberId()));
            assertEquals(2, writer.cluster().members().size());
            // the removed server learns it is out (it then never campaigns), or, when the new configuration was
            // committed before it reached it, stops hearing heartbeats and campaigns (its leader is then unknown)
            TestCluster.await("the removed member to learn of its removal, campaign or stop", () -> {
                try {
                    var info = removed.node().division().getInfo();
                    return RaftMembership.configured(removed.node().division().getRaftConf(),
                            removed.memberId()) == null || info.getCurrentTerm() > term || !info.isAlive()
                            || removed.node().leader() == null;
                } catch (RuntimeException e) {
                    return true;
                }
            });
            for (int k = 0; k < 20; k++) {
                get(writer.put(put("after-removal-" + k, "v")));
            }
            assertEquals("the leader kept its term", term, writer.cluster().raftTerm());
            assertTrue(writer.node().isLeader());
        }
    }
}
