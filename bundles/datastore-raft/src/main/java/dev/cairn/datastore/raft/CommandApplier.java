package dev.cairn.datastore.raft;

import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.raft.Command.Proposal;
import dev.cairn.datastore.sqlite.ReplicaStore;
import java.sql.SQLException;

/**
 * Applies one log entry to the replica's store, on the store's writer thread, deterministically: the outcome
 * depends only on the store and the entry. A request id seen before gets its recorded reply and changes nothing;
 * a refused command (an etcd error) is a reply too, recorded like a result.
 */
final class CommandApplier {
    private CommandApplier() {
    }

    static byte[] apply(Proposal p, ReplicaStore.Writes writes) throws SQLException {
        boolean tracked = p.client() != 0;
        if (tracked) {
            byte[] earlier = writes.reply(p.client(), p.seq());
            if (earlier != null) {
                return earlier;
            }
        }
        byte[] reply;
        try {
            reply = ReplyCodec.ok(run(p.command(), writes));
        } catch (DatastoreException e) {
            if (e.error() == StoreError.INTERNAL) {
                throw e; // a storage failure is no answer to record: the replica stops applying
            }
            reply = ReplyCodec.error(e);
        }
        if (tracked) {
            writes.recordReply(p.client(), p.seq(), reply);
        }
        return reply;
    }

    private static Object run(Command c, ReplicaStore.Writes w) throws SQLException {
        if (c instanceof Command.Put put) {
            return w.put(put.request());
        }
        if (c instanceof Command.Delete d) {
            return w.delete(d.request());
        }
        if (c instanceof Command.Txn t) {
            return w.txn(t.request());
        }
        if (c instanceof Command.Compact k) {
            return w.compact(k.revision());
        }
        if (c instanceof Command.Grant g) {
            return w.grantLease(g.id(), g.ttlSeconds(), g.picked());
        }
        if (c instanceof Command.Revoke r) {
            return w.revokeLease(r.id());
        }
        if (c instanceof Command.SetAlarm a) {
            w.alarm(a.type(), a.raise());
            return null;
        }
        if (c instanceof Command.SetMember m) {
            w.putMember(m.member());
            return null;
        }
        if (c instanceof Command.PublishMember m) {
            return w.publishMember(m.member()) ? 1L : 0L;
        }
        if (c instanceof Command.RemoveMember m) {
            w.removeMember(m.id());
            return null;
        }
        throw new IllegalStateException("no applier for " + c);
    }
}
