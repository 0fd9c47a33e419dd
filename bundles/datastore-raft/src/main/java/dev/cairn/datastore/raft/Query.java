package dev.cairn.datastore.raft;

/**
 * A read-only request to a server's state machine (never logged): a read barrier, a lease call the leader
 * answers because only the leader's lease deadlines count, or whether a learner has caught up (only the leader
 * knows how far each member got). {@code subject} is the lease or member id.
 */
record Query(Kind kind, long subject) {
    static final int VERSION = 1;

    enum Kind { BARRIER, KEEP_ALIVE, TIME_TO_LIVE, LEARNER_CAUGHT_UP }

    static final Query BARRIER = new Query(Kind.BARRIER, 0);

    byte[] encode() {
        return new Wire.Out().u8(VERSION).u8(kind.ordinal()).i64(subject).bytes();
    }

    static Query decode(byte[] b) {
        Wire.In in = new Wire.In(b);
        int version = in.u8();
        if (version != VERSION) {
            throw new NewerFormatException("query format " + version + " is unknown to this Cairn (it reads "
                    + VERSION + "); a newer Cairn asked: upgrade this server");
        }
        return new Query(Kind.values()[in.u8()], in.i64());
    }
}
