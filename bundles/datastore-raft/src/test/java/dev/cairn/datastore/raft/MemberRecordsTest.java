package dev.cairn.datastore.raft;

import static org.junit.Assert.assertEquals;

import dev.cairn.datastore.raft.Command.Proposal;
import dev.cairn.datastore.sqlite.ReplicaStore;
import dev.cairn.datastore.sqlite.ReplicaStore.MemberRecord;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A member that publishes its own record after it was removed (its publication raced the removal) stays removed;
 * registering it again (a rejoin, {@code member add}) admits it, and its publications count again. Stores written
 * before removals were remembered (schema 2) are migrated.
 */
public class MemberRecordsTest {
    private static final ReplicaStore.Events NONE = ApplyPipelineTest.NONE;

    @Rule
    public final TemporaryFolder dirs = new TemporaryFolder();

    private long index;

    private byte[] apply(ReplicaStore store, ApplyPipeline pipeline, Command command) throws Exception {
        index++;
        return pipeline.apply(store, 1, index, new Proposal(9, index, command)).get(10, TimeUnit.SECONDS);
    }

    private static MemberRecord record(String name) {
        return new MemberRecord(5, name, List.of("https://127.0.0.5:2380"), List.of("https://127.0.0.5:2379"));
    }

    @Test
    public void aPublicationAfterTheRemovalDoesNotBringTheMemberBack() throws Exception {
        try (ReplicaStore store = ReplicaStore.open(dirs.newFolder().toPath().resolve("state.db"), 0, NONE)) {
            ApplyPipeline pipeline = new ApplyPipeline();
            assertEquals(1, ReplyCodec.number(apply(store, pipeline, new Command.PublishMember(record("m5-a")))));
            apply(store, pipeline, new Command.RemoveMember(5));
            assertEquals(0, ReplyCodec.number(apply(store, pipeline, new Command.PublishMember(record("m5-a")))));
            assertEquals(List.of(), store.members());

            apply(store, pipeline, new Command.SetMember(record("")));
            assertEquals(1, ReplyCodec.number(apply(store, pipeline, new Command.PublishMember(record("m5-b")))));
            assertEquals(List.of(record("m5-b")), store.members());
        }
    }

    /** The list is kept in memory (response headers ask for it on every call): it must follow each change. */
    @Test
    public void everyChangeIsListedOnceItsEntryIsAppliedAndAReopenedStoreListsTheLast() throws Exception {
        Path file = dirs.newFolder().toPath().resolve("state.db");
        MemberRecord other = new MemberRecord(7, "m7", List.of("https://127.0.0.7:2380"),
                List.of("https://127.0.0.7:2379"));
        try (ReplicaStore store = ReplicaStore.open(file, 0, NONE)) {
            ApplyPipeline pipeline = new ApplyPipeline();
            assertEquals(List.of(), store.members());
            apply(store, pipeline, new Command.SetMember(record("")));
            assertEquals(List.of(record("")), store.members());
            apply(store, pipeline, new Command.PublishMember(record("m5-a")));
            apply(store, pipeline, new Command.SetMember(other));
            assertEquals(List.of(record("m5-a"), other), store.members());
            apply(store, pipeline, new Command.RemoveMember(5));
            assertEquals(List.of(other), store.members());
        }
        try (ReplicaStore store = ReplicaStore.open(file, 0, NONE)) {
            assertEquals(List.of(other), store.members());
        }
    }

    @Test
    public void aRemovalOfAMemberThatNeverPublishedIsRemembered() throws Exception {
        try (ReplicaStore store = ReplicaStore.open(dirs.newFolder().toPath().resolve("state.db"), 0, NONE)) {
            ApplyPipeline pipeline = new ApplyPipeline();
            apply(store, pipeline, new Command.RemoveMember(5));
            assertEquals(0, ReplyCodec.number(apply(store, pipeline, new Command.PublishMember(record("m5-a")))));
            assertEquals(List.of(), store.members());
        }
    }

    @Test
    public void aSchemaTwoStoreIsMigrated() throws Exception {
        Path file = dirs.newFolder().toPath().resolve("state.db");
        try (ReplicaStore store = ReplicaStore.open(file, 0, NONE)) {
            apply(store, new ApplyPipeline(), new Command.SetMember(record("m5-a")));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("DROP TABLE removed_members");
            s.execute("UPDATE meta SET schema_version = 2");
        }
        try (ReplicaStore store = ReplicaStore.open(file, 0, NONE)) {
            ApplyPipeline pipeline = new ApplyPipeline();
            assertEquals(List.of(record("m5-a")), store.members());
            apply(store, pipeline, new Command.RemoveMember(5));
            assertEquals(0, ReplyCodec.number(apply(store, pipeline, new Command.PublishMember(record("m5-a")))));
        }
    }
}
