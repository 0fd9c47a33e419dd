package dev.cairn.datastore.raft;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Short calls the cluster tests are written in. */
final class ClusterCalls {
    private ClusterCalls() {
    }

    static <T> T get(CompletableFuture<T> f) throws Exception {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw DatastoreException.of(e);
        }
    }

    static PutRequest put(String key, String value) {
        return PutRequest.of(Bytes.utf8(key), Bytes.utf8(value));
    }

    static KeyValue read(RaftDatastore m, String key) throws Exception {
        List<KeyValue> kvs = get(m.range(RangeRequest.of(KeyRange.single(Bytes.utf8(key))))).kvs();
        return kvs.isEmpty() ? null : kvs.get(0);
    }

    static int follower(TestCluster c, int leader) {
        return (leader + 1) % c.size();
    }

    static Member memberNamed(ClusterState state, String name) {
        for (Member m : state.members()) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        throw new AssertionError("no member " + name + " in " + state.members());
    }

    static void assertFails(StoreError expected, CompletableFuture<?> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
            fail("expected " + expected);
        } catch (ExecutionException e) {
            assertEquals(expected, DatastoreException.of(e).error());
            assertEquals(expected.message(), DatastoreException.of(e).getMessage());
        }
    }
}
