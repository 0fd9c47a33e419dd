package dev.cairn.datastore.raft;

/**
 * A read-only request to a server's state machine (never logged): a read barrier, a lease call the leader
 * answers because only the leader's lease deadlines count, whether a learner has caught up (only the leader
 * knows how far each member got), or a follower's entry for the leader to carry in its own entries
 * ({@link ForwardedEntry}). {@code subject} is the lease or member id; {@code payload} the forwarded entry.
 */
record Query(Kind kind, long subject, byte[] payload) {
    static final int VERSION = 1;

    enum Kind { BARRIER, KEEP_ALIVE, TIME_TO_LIVE, LEARNER_CAUGHT_UP, FORWARD }

    static final Query BARRIER = new Query(Kind.BARRIER, 0);

    Query(Kind kind, long subject) {
        this(kind, subject, null);
    }

    byte[] encode() {
        Wire.Out out = new Wire.Out().u8(VERSION).u8(kind.ordinal()).i64(subject);
        if (kind == Kind.FORWARD) {
            out.bytes(payload);
        }
        return out.bytes();
    }

    static Query decode(byte[] b) {
        Wire.In in = new Wire.In(b);
        int version = in.u8();
        if (version != VERSION) {
            throw new NewerFormatException("query format " + version + " is unknown to this Cairn (it reads "
                    + VERSION + "); a newer Cairn asked: upgrade this server");
        }
        int ordinal = in.u8();
        if (ordinal >= Kind.values().length) {
            throw new NewerFormatException("query kind " + ordinal + " is unknown to this Cairn; a newer Cairn"
                    + " asked: upgrade this server");
        }
        Kind kind = Kind.values()[ordinal];
        long subject = in.i64();
        return new Query(kind, subject, kind == Kind.FORWARD ? in.bytes() : null);
    }
}
