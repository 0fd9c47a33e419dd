package dev.cairn.datastore.postgres;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.cairn.datastore.api.Alarm;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.DeleteResult;
import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.Op;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.TxnRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.After;
import org.junit.Test;

/**
 * etcd's space quota: a store that outgrows {@code --quota-backend-bytes} raises NOSPACE for every server sharing it;
 * puts, txns with a put and lease grants are refused while reads and deletes work, until compaction and
 * defragmentation freed the space and the alarm is disarmed.
 */
public class SpaceQuotaTest {
    private static final long QUOTA_ABOVE_EMPTY = 300 * 1024;
    private String schema;
    private Datastore store;
    private Datastore other;

    @After
    public void closeAndDrop() throws Exception {
        for (Datastore s : new Datastore[] {store, other}) {
            if (s != null) {
                s.close();
            }
        }
        if (schema != null) {
            TestDatabase.dropSchema(schema);
        }
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw DatastoreException.of(e);
        }
    }

    private static void assertRefused(StoreError expected, CompletableFuture<?> f) {
        try {
            f.get(30, TimeUnit.SECONDS);
            fail("expected " + expected);
        } catch (Exception e) {
            DatastoreException d = DatastoreException.of(e);
            assertEquals(expected, d.error());
            assertEquals(expected.message(), d.getMessage());
        }
    }

    private static void waitUntil(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    public void outgrowingTheQuotaRaisesNospaceUntilSpaceIsFreedAndTheAlarmDisarmed() throws Exception {
        schema = TestDatabase.freshSchema("quota");
        String endpoint = TestDatabase.endpoint(schema);
        long empty;
        try (Datastore probe = PostgresDatastore.open(TestDatabase.settings(endpoint))) {
            empty = probe.status().dbSize();
        }
        long quota = empty + QUOTA_ABOVE_EMPTY;
        store = PostgresDatastore.open(TestDatabase.settings(endpoint, "first", quota));
        other = PostgresDatastore.open(TestDatabase.settings(endpoint, "second", quota));
        assertEquals(quota, store.status().quotaBytes());

        byte[] value = new byte[64 * 1024];
        Random random = new Random(7);
        for (int i = 0; i < 12; i++) {
            random.nextBytes(value); // incompressible: PostgreSQL stores it as it is
            await(store.put(PutRequest.of(bytes("big/" + i), value)));
        }
        waitUntil("NOSPACE is raised", () -> !store.alarms().isEmpty());
        assertEquals(Alarm.Type.NOSPACE, store.alarms().get(0).type());
        waitUntil("the other server sees the alarm", () -> !other.alarms().isEmpty());

        for (Datastore s : List.of(store, other)) {
            assertRefused(StoreError.NO_SPACE, s.put(PutRequest.of(bytes("more"), bytes("x"))));
            assertRefused(StoreError.NO_SPACE, s.txn(new TxnRequest(List.of(), List.of(), List.of(
                    new Op.Put(PutRequest.of(bytes("more"), bytes("x")))))));
            assertRefused(StoreError.NO_SPACE, s.leaseGrant(0, 60));
        }
        assertEquals(12, await(other.range(RangeRequest.of(KeyRange.prefix(bytes("big/"))))).count());

        // what etcd's operators do: delete, compact, defragment, disarm
        DeleteResult deleted = await(other.delete(DeleteRequest.of(KeyRange.prefix(bytes("big/")))));
        assertEquals(12, deleted.deleted());
        await(store.compact(deleted.revision(), true));
        await(store.defragment());
        assertTrue("defragmenting freed the space: " + store.status(), store.status().dbSize() < quota);
        store.disarm(Alarm.Type.NOSPACE);
        assertEquals(List.of(), store.alarms());
        waitUntil("the other server sees the alarm gone", () -> other.alarms().isEmpty());
        await(other.put(PutRequest.of(bytes("more"), bytes("x"))));
    }
}
