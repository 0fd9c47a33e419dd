package dev.cairn.datastore.raft;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.Alarm;
import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.raft.Command.Proposal;
import dev.cairn.datastore.sqlite.ReplicaStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Entries after an alarm see it whatever the writer's batching: the writer is held busy so that, without the
 * pipeline's fence, the alarm and the put after it would share one batch and the put would slip through on this
 * member (and be refused on a member that batched them apart).
 */
public class ApplyPipelineTest {
    /** Store events nobody listens to (shared by the tests that apply entries to a bare replica store). */
    static final ReplicaStore.Events NONE = new ReplicaStore.Events() {
        @Override
        public void leasesExpired(List<Long> ids) {
        }

        @Override
        public void spaceExceeded(long dbSize) {
        }
    };

    @Rule
    public final TemporaryFolder dirs = new TemporaryFolder();

    @Test
    public void aPutAfterARaisedAlarmIsRefusedEvenInTheSameWriterBatch() throws Exception {
        try (ReplicaStore store = ReplicaStore.open(dirs.newFolder().toPath().resolve("state.db"), 0, NONE)) {
            ApplyPipeline pipeline = new ApplyPipeline();
            CountDownLatch busy = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Object> holder = store.apply(1, 1, writes -> {
                busy.countDown();
                awaitQuietly(release);
                return null;
            });
            assertTrue(busy.await(10, TimeUnit.SECONDS));
            CompletableFuture<byte[]> alarm = pipeline.apply(store, 1, 2,
                    new Proposal(0, 0, new Command.SetAlarm(Alarm.Type.NOSPACE, true)));
            CompletableFuture<byte[]> put = pipeline.apply(store, 1, 3,
                    new Proposal(0, 0, new Command.Put(PutRequest.of(Bytes.utf8("k"), Bytes.utf8("v")))));
            release.countDown();
            holder.get(10, TimeUnit.SECONDS);
            ReplyCodec.done(alarm.get(10, TimeUnit.SECONDS));
            try {
                ReplyCodec.put(put.get(10, TimeUnit.SECONDS));
                throw new AssertionError("the put after the alarm was applied");
            } catch (DatastoreException e) {
                assertEquals(StoreError.NO_SPACE, e.error());
            }
            assertEquals(1, store.currentRevision());
            assertEquals(3, store.applied().index());
        }
    }

    @Test
    public void aPutAfterAClearedAlarmIsAppliedEvenInTheSameWriterBatch() throws Exception {
        try (ReplicaStore store = ReplicaStore.open(dirs.newFolder().toPath().resolve("state.db"), 0, NONE)) {
            ApplyPipeline pipeline = new ApplyPipeline();
            ReplyCodec.done(pipeline.apply(store, 1, 1,
                    new Proposal(0, 0, new Command.SetAlarm(Alarm.Type.NOSPACE, true))).get(10, TimeUnit.SECONDS));
            CountDownLatch busy = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Object> holder = store.apply(1, 2, writes -> {
                busy.countDown();
                awaitQuietly(release);
                return null;
            });
            assertTrue(busy.await(10, TimeUnit.SECONDS));
            pipeline.apply(store, 1, 3, new Proposal(0, 0, new Command.SetAlarm(Alarm.Type.NOSPACE, false)));
            CompletableFuture<byte[]> put = pipeline.apply(store, 1, 4,
                    new Proposal(0, 0, new Command.Put(PutRequest.of(Bytes.utf8("k"), Bytes.utf8("v")))));
            release.countDown();
            holder.get(10, TimeUnit.SECONDS);
            assertEquals(2, ReplyCodec.put(put.get(10, TimeUnit.SECONDS)).revision());
        }
    }

    /**
     * An entry of several proposals: each is its own request with its own revision (two puts of one key are two
     * revisions, not a conflict), a refused one refuses only itself, and the entry's position is recorded once.
     */
    @Test
    public void aBatchEntryAppliesEachProposalAsItsOwnRequest() throws Exception {
        try (ReplicaStore store = ReplicaStore.open(dirs.newFolder().toPath().resolve("state.db"), 0, NONE)) {
            ApplyPipeline pipeline = new ApplyPipeline();
            List<Proposal> proposals = List.of(
                    new Proposal(7, 1, new Command.Put(PutRequest.of(Bytes.utf8("k"), Bytes.utf8("a")))),
                    new Proposal(7, 2, new Command.Revoke(12345)),
                    new Proposal(7, 3, new Command.Put(PutRequest.of(Bytes.utf8("k"), Bytes.utf8("b")))));
            List<byte[]> replies = pipeline.applyAll(store, 3, 9, proposals).get(10, TimeUnit.SECONDS);
            assertEquals(3, replies.size());
            assertEquals(2, ReplyCodec.put(replies.get(0)).revision());
            try {
                ReplyCodec.done(replies.get(1));
                throw new AssertionError("revoking an unknown lease succeeded");
            } catch (DatastoreException e) {
                assertEquals(StoreError.LEASE_NOT_FOUND, e.error());
            }
            assertEquals(3, ReplyCodec.put(replies.get(2)).revision());
            assertEquals(3, store.currentRevision());
            assertEquals(new ReplicaStore.Position(3, 9), store.applied());
        }
    }

    /** The entry encoding of a batch decodes to the proposals in order; a plain entry decodes to itself. */
    @Test
    public void batchEntriesRoundTrip() {
        Proposal a = new Proposal(7, 1, new Command.Put(PutRequest.of(Bytes.utf8("k"), Bytes.utf8("a"))));
        Proposal b = new Proposal(7, 2, new Command.Revoke(5));
        List<Proposal> decoded = CommandCodec.decodeEntry(CommandCodec.encodeBatch(List.of(CommandCodec.encode(a),
                CommandCodec.encode(b))));
        assertEquals(2, decoded.size());
        assertEquals(1, decoded.get(0).seq());
        assertEquals("a", new String(((Command.Put) decoded.get(0).command()).request().value()));
        assertEquals(b, decoded.get(1));
        assertEquals(List.of(b), CommandCodec.decodeEntry(CommandCodec.encode(b)));
        List<byte[]> replies = ReplyCodec.unbatch(ReplyCodec.batch(List.of(new byte[] {1, 2}, new byte[0])));
        assertEquals(2, replies.size());
        assertEquals(2, replies.get(0).length);
        assertEquals(0, replies.get(1).length);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
