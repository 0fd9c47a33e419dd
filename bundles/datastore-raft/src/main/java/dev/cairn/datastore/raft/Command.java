package dev.cairn.datastore.raft;

import dev.cairn.datastore.api.Alarm;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.sqlite.ReplicaStore.MemberRecord;

/**
 * A write, as it travels through the Raft log. Everything apply needs is in the command (ids, TTLs), so that every
 * replica applies it the same way; nothing is read from the clock or a random source while applying.
 */
sealed interface Command {

    record Put(PutRequest request) implements Command {
    }

    record Delete(DeleteRequest request) implements Command {
    }

    record Txn(TxnRequest request) implements Command {
    }

    record Compact(long revision) implements Command {
    }

    /** {@code picked}: the proposer chose the id for a client that asked for any id (a taken one is replaced). */
    record Grant(long id, long ttlSeconds, boolean picked) implements Command {
    }

    record Revoke(long id) implements Command {
    }

    record SetAlarm(Alarm.Type type, boolean raise) implements Command {
    }

    /** A member registered or updated by the cluster (admits an id removed before). */
    record SetMember(MemberRecord member) implements Command {
    }

    /** What a member publishes about itself: ignored when it was removed since it was last registered. */
    record PublishMember(MemberRecord member) implements Command {
    }

    record RemoveMember(long id) implements Command {
    }

    /**
     * A command with the id of the request that proposed it: {@code client} is the proposing datastore's random
     * session id, {@code seq} counts its requests. A retried proposal carries the same id and is applied once.
     */
    record Proposal(long client, long seq, Command command) {
    }
}
