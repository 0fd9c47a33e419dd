package dev.cairn.datastore.raft;

import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.DeleteResult;
import dev.cairn.datastore.api.Lease;
import dev.cairn.datastore.api.OpResult;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.api.RangeResult;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.datastore.api.TxnResult;
import java.util.ArrayList;
import java.util.List;

/**
 * The reply to an applied command, as the state machine returns it to the proposer (and records it for retries):
 * a version byte, then either the result or the etcd error the command was refused with.
 */
final class ReplyCodec {
    static final int VERSION = 1;
    private static final int OK = 0;
    private static final int ERROR = 1;

    private static final int RANGE = 1;
    private static final int PUT = 2;
    private static final int DELETE = 3;
    private static final int TXN = 4;

    private ReplyCodec() {
    }

    /** The replies to the proposals of a batch entry, in their order. */
    static byte[] batch(List<byte[]> replies) {
        Wire.Out out = new Wire.Out().count(replies.size());
        replies.forEach(out::bytes);
        return out.bytes();
    }

    /** The replies of {@link #batch}. */
    static List<byte[]> unbatch(byte[] reply) {
        Wire.In in = new Wire.In(reply);
        int n = in.count();
        List<byte[]> replies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            replies.add(in.bytes());
        }
        return replies;
    }

    static byte[] error(DatastoreException e) {
        return new Wire.Out().u8(VERSION).u8(ERROR).text(e.error().name()).text(e.getMessage()).bytes();
    }

    /** A result: a PutResult, DeleteResult, TxnResult, Lease, Long, or null for none. */
    static byte[] ok(Object result) {
        Wire.Out out = new Wire.Out().u8(VERSION).u8(OK);
        if (result instanceof OpResult r) {
            opResult(out, r);
        } else if (result instanceof Lease l) {
            out.i64(l.id()).i64(l.ttl()).i64(l.grantedTtl());
        } else if (result instanceof Long n) {
            out.i64(n);
        }
        return out.bytes();
    }

    static PutResult put(byte[] reply) {
        return (PutResult) opResult(open(reply));
    }

    static DeleteResult delete(byte[] reply) {
        return (DeleteResult) opResult(open(reply));
    }

    static TxnResult txn(byte[] reply) {
        return (TxnResult) opResult(open(reply));
    }

    static Lease lease(byte[] reply) {
        Wire.In in = open(reply);
        return new Lease(in.i64(), in.i64(), in.i64(), List.of());
    }

    static long number(byte[] reply) {
        return open(reply).i64();
    }

    /** Checks that the reply is not an error. */
    static void done(byte[] reply) {
        open(reply);
    }

    /** Reads the header; an error reply is thrown as the {@link DatastoreException} it carries. */
    private static Wire.In open(byte[] reply) {
        Wire.In in = new Wire.In(reply);
        int version = in.u8();
        if (version != VERSION) {
            throw new NewerFormatException("reply format " + version + " is unknown to this Cairn (it reads "
                    + VERSION + "); a newer Cairn answered: upgrade this server");
        }
        if (in.u8() == ERROR) {
            StoreError error = StoreError.valueOf(in.text());
            String message = in.text();
            throw error.message().equals(message) ? new DatastoreException(error)
                    : new DatastoreException(error, message, null);
        }
        return in;
    }

    private static void opResult(Wire.Out out, OpResult r) {
        if (r instanceof RangeResult rr) {
            out.u8(RANGE).i64(rr.revision()).kvs(rr.kvs()).i64(rr.count()).bool(rr.more());
        } else if (r instanceof PutResult p) {
            out.u8(PUT).i64(p.revision()).kv(p.prevKv());
        } else if (r instanceof DeleteResult d) {
            out.u8(DELETE).i64(d.revision()).i64(d.deleted()).kvs(d.prevKvs());
        } else if (r instanceof TxnResult t) {
            out.u8(TXN).i64(t.revision()).bool(t.succeeded()).count(t.results().size());
            for (OpResult nested : t.results()) {
                opResult(out, nested);
            }
        }
    }

    private static OpResult opResult(Wire.In in) {
        int tag = in.u8();
        return switch (tag) {
            case RANGE -> new RangeResult(in.i64(), in.kvs(), in.i64(), in.bool());
            case PUT -> new PutResult(in.i64(), in.kv());
            case DELETE -> new DeleteResult(in.i64(), in.i64(), in.kvs());
            case TXN -> {
                long revision = in.i64();
                boolean succeeded = in.bool();
                int n = in.count();
                List<OpResult> results = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    results.add(opResult(in));
                }
                yield new TxnResult(revision, succeeded, results);
            }
            default -> throw new IllegalArgumentException("unknown result " + tag + " in a reply");
        };
    }
}
