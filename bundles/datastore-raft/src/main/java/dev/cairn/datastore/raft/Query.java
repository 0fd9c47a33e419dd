package dev.cairn.datastore.raft;

/**
 * A read-only request to a server's state machine (never logged): a read barrier, or a lease call the leader
 * answers because only the leader's lease deadlines count.
 */
record Query(Kind kind, long lease) {
    static final int VERSION = 1;

    enum Kind { BARRIER, KEEP_ALIVE, TIME_TO_LIVE }

    static final Query BARRIER = new Query(Kind.BARRIER, 0);

    byte[] encode() {
        return new Wire.Out().u8(VERSION).u8(kind.ordinal()).i64(lease).bytes();
    }

    static Query decode(byte[] b) {
        Wire.In in = new Wire.In(b);
        int version = in.u8();
        if (version != VERSION) {
            throw new IllegalArgumentException("query format " + version + " is unknown to this Cairn");
        }
        return new Query(Kind.values()[in.u8()], in.i64());
    }
}
