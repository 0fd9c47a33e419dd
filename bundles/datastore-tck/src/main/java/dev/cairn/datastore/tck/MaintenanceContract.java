package dev.cairn.datastore.tck;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.ClusterState;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.HashResult;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.Member;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.StoreStatus;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.Test;

/** Status, cluster view, hashes, snapshots, defragmentation and alarms. */
public abstract class MaintenanceContract extends DatastoreContract {

    @Test
    public void theStoreNamesItsType() {
        assertNotNull(store.type());
        assertFalse(store.type().isBlank());
    }

    @Test
    public void statusReportsTheRevisionAndSizes() {
        put("a", "1");
        put("b", "2");
        StoreStatus s = store.status();
        assertEquals(3, s.revision());
        assertEquals(0, s.compactRevision());
        assertTrue("dbSize " + s.dbSize() + " > 0", s.dbSize() > 0);
        assertTrue("dbSizeInUse " + s.dbSizeInUse() + " > 0", s.dbSizeInUse() > 0);
        assertTrue("dbSizeInUse " + s.dbSizeInUse() + " <= dbSize " + s.dbSize(), s.dbSizeInUse() <= s.dbSize());
        assertTrue("a quota is set", s.quotaBytes() > 0);
    }

    @Test
    public void statusOfAnEmptyStoreIsAtRevisionOneWithSizes() {
        StoreStatus s = store.status();
        assertEquals(1, s.revision());
        assertTrue(s.dbSize() > 0);
        assertTrue(s.dbSizeInUse() > 0 && s.dbSizeInUse() <= s.dbSize());
    }

    @Test
    public void theClusterHasALeaderAmongItsMembers() {
        put("a", "1");
        ClusterState c = store.cluster();
        assertFalse("at least one member", c.members().isEmpty());
        assertTrue("a leader is set", c.hasLeader());
        List<Long> ids = c.members().stream().map(Member::id).toList();
        assertTrue("the leader " + c.leaderId() + " is a member of " + ids, ids.contains(c.leaderId()));
        assertTrue("this member " + c.memberId() + " is a member of " + ids, ids.contains(c.memberId()));
        assertTrue("raftIndex > 0", c.raftIndex() > 0);
        assertTrue("appliedIndex " + c.appliedIndex() + " <= raftIndex " + c.raftIndex(),
                c.appliedIndex() <= c.raftIndex());
        assertFalse("this member is no learner", c.learner());
        for (Member m : c.members()) {
            assertNotEquals("member ids are non-zero", 0, m.id());
        }
    }

    @Test
    public void theRaftIndexDoesNotGoBackwardsAfterWrites() {
        long before = store.cluster().raftIndex();
        put("a", "1");
        put("a", "2");
        ClusterState after = store.cluster();
        assertTrue(after.raftIndex() >= before);
        assertTrue(after.raftIndex() > 0);
    }

    @Test
    public void hashKvIsStableForTheSameRevision() {
        put("a", "1");
        put("b", "2");
        HashResult first = await(store.hashKV(0));
        HashResult second = await(store.hashKV(0));
        assertEquals(first.hash(), second.hash());
        assertEquals(3, first.hashRevision());
        assertEquals(first.hash(), await(store.hashKV(3)).hash());
    }

    @Test
    public void hashKvChangesWithWritesButNotForPastRevisions() {
        put("a", "1");
        HashResult atTwo = await(store.hashKV(0));
        put("a", "2");
        HashResult atThree = await(store.hashKV(0));
        assertNotEquals("a write changes the hash", atTwo.hash(), atThree.hash());
        delete("a");
        assertNotEquals(atThree.hash(), await(store.hashKV(0)).hash());
        assertEquals("later writes do not change the hash of a past revision", atTwo.hash(),
                await(store.hashKV(2)).hash());
    }

    @Test
    public void storesWithTheSameHistoryHaveTheSameHashKv() throws Exception {
        Datastore other = openAnotherStore();
        for (Datastore s : List.of(store, other)) {
            await(s.put(PutRequest.of(bytes("a"), bytes("1"))));
            await(s.put(PutRequest.of(bytes("b"), bytes(0, 0xff))));
            await(s.put(PutRequest.of(bytes("a"), bytes("2"))));
            await(s.delete(DeleteRequest.of(key("b"))));
        }
        assertEquals(await(store.hashKV(0)).hash(), await(other.hashKV(0)).hash());
        assertEquals(await(store.hashKV(3)).hash(), await(other.hashKV(3)).hash());
        await(other.put(PutRequest.of(bytes("c"), bytes("1"))));
        assertNotEquals(await(store.hashKV(0)).hash(), await(other.hashKV(0)).hash());
    }

    @Test
    public void aSnapshotWritesTheWholeStoreAtTheCurrentRevision() {
        for (int i = 0; i < 10; i++) {
            put("k" + i, "value-" + i);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long revision = await(store.snapshot(out));
        assertEquals(11, revision);
        assertTrue("the snapshot has bytes", out.size() > 0);
        assertEquals(10, range(KeyRange.all()).count());
    }

    @Test
    public void defragmentingKeepsEveryKeyAndTheHistoryAboveTheCompaction() {
        for (int i = 0; i < 30; i++) {
            put("k" + (i % 5), "v" + i);
        }
        delete("k4");
        long compactAt = rev() - 5;
        compact(compactAt);
        HashResult before = await(store.hashKV(0));
        await(store.defragment());
        assertEquals(4, range(KeyRange.all()).count());
        assertKv("k0", "v25", 2, 27, 6, 0, get("k0"));
        assertEquals(before.hash(), await(store.hashKV(0)).hash());
        assertEquals(compactAt, store.status().compactRevision());
        put("after", "1");
        assertEquals(33, rev());
        StoreStatus s = store.status();
        assertTrue(s.dbSizeInUse() > 0 && s.dbSizeInUse() <= s.dbSize());
    }

    @Test
    public void aHealthyStoreHasNoAlarms() {
        put("a", "1");
        assertEquals(List.of(), store.alarms());
    }

    @Test
    public void aClosedStoreRefusesRequestsAsStopped() {
        put("a", "1");
        closeStore(store);
        assertFails(StoreError.STOPPED, () -> store.put(PutRequest.of(bytes("b"), bytes("1"))));
        assertFails(StoreError.STOPPED, () -> store.range(RangeRequest.of(KeyRange.all())));
        assertFails(StoreError.STOPPED, () -> store.leaseGrant(0, 60));
    }

    @Test
    public void writesAndReadsDuringADefragmentSucceed() {
        for (int i = 0; i < 200; i++) {
            put("k" + (i % 20), "v" + i);
        }
        compact(rev());
        CompletableFuture<Void> defrag = store.defragment();
        List<CompletableFuture<?>> work = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            work.add(store.put(PutRequest.of(bytes("during" + i), bytes("v"))));
            work.add(store.range(RangeRequest.of(KeyRange.all())));
        }
        await(defrag);
        for (CompletableFuture<?> f : work) {
            await(f);
        }
        assertEquals(70, range(KeyRange.all()).count());
        assertEquals(251, rev());
    }
}
