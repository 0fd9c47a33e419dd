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
    private static final ReplicaStore.Events NONE = new ReplicaStore.Events() {
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

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
