package dev.cairn.datastore.sqlite;

import dev.cairn.datastore.api.Alarm;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.DeleteResult;
import dev.cairn.datastore.api.HashResult;
import dev.cairn.datastore.api.Lease;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.RangeResult;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.StoreMetrics;
import dev.cairn.datastore.api.StoreStatus;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.api.TxnResult;
import dev.cairn.datastore.api.Watch;
import dev.cairn.datastore.api.WatchListener;
import dev.cairn.datastore.api.WatchRequest;
import dev.cairn.datastore.spi.BackendSettings;
import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQLite engine as the local store of a Raft replica: the same schema, revision log, watch hub and lease table
 * as the single-node store, driven by applied log entries instead of client requests.
 *
 * <ul>
 * <li>Every write is a command applied at a log position ({@link #apply}); the batch that commits it records the
 * position in the meta row, so {@link #applied()} after a reopen says exactly which entries the file holds.</li>
 * <li>Commits are not fsynced one by one (the Raft log is the durable record); {@link #markApplied} with
 * {@code durable} fsyncs everything applied so far, before a snapshot is published or the log purged.</li>
 * <li>Lease ids and TTLs come from the command. Deadlines live in memory; only the leader's matter: while
 * {@link #ownLeases} is on, expired leases are reported to {@link Events#leasesExpired} (the leader proposes their
 * revokes) and never revoked locally.</li>
 * <li>An exceeded quota is reported to {@link Events#spaceExceeded}; the NOSPACE alarm is a replicated command.</li>
 * </ul>
 *
 * <p>This class is public only so that the Raft backend, which embeds this package privately, can use it; the
 * package is exported by no bundle.
 */
public final class ReplicaStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaStore.class);
    /** Replies to client requests are kept for this many log entries, to answer retries without re-applying. */
    static final long REPLY_WINDOW = 100_000;
    private static final long PRUNE_EVERY = 1024;

    /** What the replica's store reports to the Raft layer; called on store threads, must not block. */
    public interface Events {
        /** Leases past their deadline on the leader; each one stays reported until revoked or re-reported. */
        void leasesExpired(List<Long> ids);

        /** The database outgrew the quota and the NOSPACE alarm is not raised yet. */
        void spaceExceeded(long dbSize);
    }

    /** A Raft log position: the term and index of an entry. */
    public record Position(long term, long index) {
    }

    /** A cluster member's name and URLs, as stored in the {@code members} table. */
    public record MemberRecord(long id, String name, List<String> peerUrls, List<String> clientUrls) {
        public MemberRecord {
            peerUrls = List.copyOf(peerUrls);
            clientUrls = List.copyOf(clientUrls);
        }
    }

    /** A log entry's effect, run on the writer thread inside the batch transaction. */
    @FunctionalInterface
    public interface Command<T> {
        T apply(Writes writes) throws SQLException;
    }

    private final SqliteDatastore store;
    /**
     * The members table as last committed, or null when it could not be read after a change (then every call reads
     * it). Every etcd response header asks for the cluster's state, which lists the members: one query per
     * response cost about 4 % of a 3-server cluster's CPU under a write load. The writer replaces the list after a
     * commit that changed the table, before the commit's replies complete.
     */
    private volatile List<MemberRecord> members;

    private ReplicaStore(SqliteDatastore store) {
        this.store = store;
        this.members = store.readers.read(r -> readMembers(r.db)); // nothing applies before open() returns
    }

    /**
     * Opens (creating if needed) the replica store in the file {@code file}. A file that is not a sound Cairn store
     * is refused and left untouched.
     */
    public static ReplicaStore open(Path file, long quotaBytes, Events events) {
        BackendSettings settings = new BackendSettings(file.getParent(), "sqlite:" + file.toAbsolutePath(), "",
                List.of(), List.of(), quotaBytes, null, null);
        return new ReplicaStore(SqliteDatastore.open(settings, events));
    }

    /** The position of the last applied entry this store holds (0, 0 for a new store). */
    public Position applied() {
        return new Position(store.state.raftTerm, store.state.raftIndex);
    }

    /** The position recorded in a closed store file, such as a snapshot copy. */
    public static Position positionOf(Path file) throws SQLException {
        try (Statements db = DatabaseFile.openReadOnly(file)) {
            Meta meta = Meta.read(db);
            return new Position(meta.raftTerm(), meta.raftIndex());
        }
    }

    /**
     * Applies the entry at (term, index): {@code command} runs in a batch transaction that also records the
     * position. A {@link DatastoreException} it throws refuses the command (it must not have written anything) and
     * still counts the entry as applied; any other failure stops the store (see {@link WriteBatcher}).
     */
    public <T> CompletableFuture<T> apply(long term, long index, Command<T> command) {
        return store.writer.submit(WriteTask.applying(term, index, false, scope -> {
            if (index % PRUNE_EVERY == 0) {
                pruneReplies(index - REPLY_WINDOW);
            }
            return command.apply(new Writes(scope, index));
        }));
    }

    /**
     * Applies the entry at (term, index) that holds several commands, in order, each as its own request (its own
     * revision), all in one transaction with the position: the entry is applied whole or not at all. A command
     * must not throw a {@link DatastoreException} (its refusal is its result); one that does stops the store.
     */
    public <T> CompletableFuture<List<T>> applyAll(long term, long index, List<? extends Command<T>> commands) {
        List<WriteTask.Apply<T>> parts = new ArrayList<>(commands.size());
        for (int i = 0; i < commands.size(); i++) {
            Command<T> command = commands.get(i);
            boolean first = i == 0;
            parts.add(scope -> {
                if (first && index % PRUNE_EVERY == 0) {
                    pruneReplies(index - REPLY_WINDOW);
                }
                return command.apply(new Writes(scope, index));
            });
        }
        return store.writer.submit(WriteTask.applyingAll(term, index, parts));
    }

    /**
     * Records an entry that changes nothing here (a configuration entry), after every entry submitted before it.
     * {@code durable} fsyncs the store up to it: what a snapshot or a log purge relies on.
     */
    public CompletableFuture<Position> markApplied(long term, long index, boolean durable) {
        return store.writer.submit(WriteTask.applying(term, index, durable, scope -> new Position(term, index)));
    }

    /** Gains or loses the lease deadlines: a new owner gives every lease a fresh full TTL. */
    public void ownLeases(boolean own) {
        if (own && !store.leasesOwned) {
            store.leases.renewAll();
        }
        store.leasesOwned = own;
    }

    /** A reported expiry whose revoke could not be proposed: the lease is reported again on a later check. */
    public void expiryFailed(long id) {
        store.leases.expiryFailed(id);
    }

    /** A consistent copy of the store at {@code target}; returns the position it holds. */
    public Position copyTo(Path target) {
        try {
            Meta meta = store.maintenance.copyTo(target);
            return new Position(meta.raftTerm(), meta.raftIndex());
        } catch (SQLException e) {
            throw new DatastoreException(StoreError.INTERNAL, "cannot copy " + store.file() + " to " + target + ": "
                    + e.getMessage(), e);
        }
    }

    /** Completes once this store has physically removed what a compaction at {@code revision} drops. */
    public CompletableFuture<Long> compacted(long revision) {
        return store.compactor.whenDeleted(revision);
    }

    public Path file() {
        return store.file();
    }

    // ---- reads, all local ----

    public long currentRevision() {
        return store.currentRevision();
    }

    public CompletableFuture<RangeResult> range(RangeRequest request) {
        return store.range(request);
    }

    /** A txn without writes, read from one snapshot. */
    public CompletableFuture<TxnResult> readTxn(TxnRequest request) {
        if (request.mayWrite()) {
            throw new IllegalArgumentException("a txn that may write is a replicated command");
        }
        return store.txn(request);
    }

    public Watch watch(WatchRequest request, WatchListener listener) {
        return store.watch(request, listener);
    }

    /** Renews the lease's local deadline (meaningful on the member that owns the leases). */
    public CompletableFuture<Long> leaseKeepAlive(long id) {
        return store.leaseKeepAlive(id);
    }

    public CompletableFuture<Lease> leaseTimeToLive(long id, boolean withKeys) {
        return store.leaseTimeToLive(id, withKeys);
    }

    public CompletableFuture<List<Long>> leases() {
        return store.leases();
    }

    public StoreStatus status() {
        return store.status();
    }

    /** The store's commits, watches and leases (the Raft layer adds its log's figures). */
    public StoreMetrics metrics() {
        return store.metrics();
    }

    public List<Alarm> alarms(long memberId) {
        List<Alarm> list = new ArrayList<>();
        for (Alarm.Type t : store.quota.alarms()) {
            list.add(new Alarm(memberId, t));
        }
        return list;
    }

    public CompletableFuture<Void> defragment() {
        return store.defragment();
    }

    public CompletableFuture<HashResult> hashKV(long revision) {
        return store.hashKV(revision);
    }

    public CompletableFuture<Long> snapshot(OutputStream out) {
        return store.snapshot(out);
    }

    /** The stored members, by id. */
    public List<MemberRecord> members() {
        List<MemberRecord> known = members;
        return known != null ? known : store.readers.read(r -> readMembers(r.db));
    }

    private static List<MemberRecord> readMembers(Statements db) throws SQLException {
        List<MemberRecord> list = new ArrayList<>();
        try (ResultSet rs = db.get("SELECT id, name, peer_urls, client_urls FROM members ORDER BY id")
                .executeQuery()) {
            while (rs.next()) {
                list.add(new MemberRecord(rs.getLong(1), rs.getString(2), urls(rs.getString(3)),
                        urls(rs.getString(4))));
            }
        }
        return List.copyOf(list);
    }

    /** On the writer thread, after the commit of a change to the members table. */
    private void rereadMembers() {
        try {
            members = readMembers(store.writerDb);
        } catch (SQLException | RuntimeException e) {
            members = null;
            LOG.warn("cannot re-read the members table after a change, reading it on every call file={} cause=\"{}\"",
                    store.file(), e.toString());
        }
    }

    @Override
    public void close() {
        store.close();
    }

    private void pruneReplies(long belowIndex) throws SQLException {
        if (belowIndex <= 0) {
            return;
        }
        PreparedStatement ps = store.writerDb.get("DELETE FROM requests WHERE raft_index < ?");
        ps.setLong(1, belowIndex);
        ps.executeUpdate();
    }

    private static List<String> urls(String joined) {
        return joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
    }

    /** The writes one command may make, inside its entry's transaction. */
    public final class Writes {
        private final RevisionScope scope;
        private final long index;

        private Writes(RevisionScope scope, long index) {
            this.scope = scope;
            this.index = index;
        }

        /** The revision as this command sees it now. */
        public long revision() {
            return scope.viewRevision();
        }

        public PutResult put(PutRequest request) throws SQLException {
            if (store.quota.noSpace()) {
                throw StoreError.NO_SPACE.exception();
            }
            return store.writerTxns.put(request, scope);
        }

        public DeleteResult delete(DeleteRequest request) throws SQLException {
            return store.writerTxns.delete(request, scope);
        }

        public TxnResult txn(TxnRequest request) throws SQLException {
            if (store.quota.noSpace() && TxnExecutor.hasPut(request)) {
                throw StoreError.NO_SPACE.exception();
            }
            return store.writerTxns.txn(request, scope);
        }

        /** Records a compaction; the deletion follows locally in batches. Returns the revision. */
        public long compact(long revision) throws SQLException {
            return store.compactor.record(revision, scope, null);
        }

        /** Grants a lease with an id the command carries ({@code picked}: chosen for the client, see Lessor). */
        public Lease grantLease(long id, long ttlSeconds, boolean picked) throws SQLException {
            if (id <= 0) {
                throw new IllegalArgumentException("a replica grants only ids chosen before the command: " + id);
            }
            return store.lessor.grant(id, ttlSeconds, picked, scope);
        }

        /** Revokes a lease and deletes its keys in one revision; returns the revision after it. */
        public long revokeLease(long id) throws SQLException {
            return store.lessor.revoke(id, scope);
        }

        /** Raises or clears an alarm for the whole cluster. */
        public void alarm(Alarm.Type type, boolean raise) throws SQLException {
            Set<Alarm.Type> next = raise ? store.quota.with(type) : store.quota.without(type);
            Meta.writeAlarms(store.writerDb, next);
            scope.markChanged();
            scope.afterCommit(() -> store.quota.set(next));
        }

        /** The reply recorded for a request id by an earlier entry, or null. */
        public byte[] reply(long client, long seq) throws SQLException {
            PreparedStatement ps = store.writerDb.get("SELECT reply FROM requests WHERE client = ? AND seq = ?");
            ps.setLong(1, client);
            ps.setLong(2, seq);
            try (ResultSet rs = ps.executeQuery()) {
                byte[] reply = rs.next() ? rs.getBytes(1) : null;
                Statements.finish(rs);
                return reply;
            }
        }

        /** Records the reply to a request id, so that a retry of the request gets it without being applied. */
        public void recordReply(long client, long seq, byte[] reply) throws SQLException {
            PreparedStatement ps = store.writerDb.get("INSERT OR REPLACE INTO requests (client, seq, raft_index,"
                    + " reply) VALUES (?, ?, ?, ?)");
            ps.setLong(1, client);
            ps.setLong(2, seq);
            ps.setLong(3, index);
            ps.setBytes(4, reply);
            ps.executeUpdate();
            scope.markChanged();
        }

        /** Records a member registered (or updated) by the cluster: an id removed before is admitted again. */
        public void putMember(MemberRecord m) throws SQLException {
            writeMember(m);
            PreparedStatement ps = store.writerDb.get("DELETE FROM removed_members WHERE id = ?");
            ps.setLong(1, m.id());
            ps.executeUpdate();
        }

        /**
         * Records what a member publishes about itself, unless it was removed since it was last registered (its
         * publication raced its removal); returns whether it was recorded.
         */
        public boolean publishMember(MemberRecord m) throws SQLException {
            PreparedStatement ps = store.writerDb.get("SELECT 1 FROM removed_members WHERE id = ?");
            ps.setLong(1, m.id());
            boolean removed;
            try (ResultSet rs = ps.executeQuery()) {
                removed = rs.next();
                Statements.finish(rs);
            }
            if (removed) {
                return false;
            }
            writeMember(m);
            return true;
        }

        private void writeMember(MemberRecord m) throws SQLException {
            PreparedStatement ps = store.writerDb.get("INSERT OR REPLACE INTO members (id, name, peer_urls,"
                    + " client_urls) VALUES (?, ?, ?, ?)");
            ps.setLong(1, m.id());
            ps.setString(2, m.name());
            ps.setString(3, String.join(",", m.peerUrls()));
            ps.setString(4, String.join(",", m.clientUrls()));
            ps.executeUpdate();
            scope.markChanged();
            scope.afterCommit(ReplicaStore.this::rereadMembers);
        }

        public void removeMember(long id) throws SQLException {
            PreparedStatement ps = store.writerDb.get("DELETE FROM members WHERE id = ?");
            ps.setLong(1, id);
            ps.executeUpdate();
            PreparedStatement mark = store.writerDb.get("INSERT OR IGNORE INTO removed_members (id) VALUES (?)");
            mark.setLong(1, id);
            mark.executeUpdate();
            scope.markChanged();
            scope.afterCommit(ReplicaStore.this::rereadMembers);
        }
    }
}
