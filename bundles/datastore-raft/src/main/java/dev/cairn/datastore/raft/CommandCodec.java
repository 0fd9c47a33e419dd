package dev.cairn.datastore.raft;

import dev.cairn.datastore.api.Alarm;
import dev.cairn.datastore.api.Compare;
import dev.cairn.datastore.api.DeleteRequest;
import dev.cairn.datastore.api.Op;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.RangeRequest;
import dev.cairn.datastore.api.TxnRequest;
import dev.cairn.datastore.raft.Command.Proposal;
import dev.cairn.datastore.sqlite.ReplicaStore.MemberRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The log entry format: a format version byte, the request id, a command tag and the command's fields. An entry of
 * format {@link #BATCH} holds several such proposals, each applied as its own request (proposals that waited for
 * the log together). Every entry since the first release starts with one of these two bytes.
 *
 * <p>Versioning: a member replays its log after an upgrade, so every format a previous release wrote must still
 * decode (the release fixtures in the tests hold such a log). A change to a command's encoding is a new
 * {@link #VERSION}; a new command is a new tag. A replica refuses, with a {@link NewerFormatException}, an entry of a
 * version, tag or enum value it does not know, or with bytes after the fields it knows: a newer Cairn wrote it, and
 * applying part of it or skipping it would make this member's store diverge from the others'.
 */
final class CommandCodec {
    static final int VERSION = 1;
    /** The format of an entry of several proposals: the byte 2, their count, then each one's own encoding. */
    static final int BATCH = 2;

    private static final int PUT = 1;
    private static final int DELETE = 2;
    private static final int TXN = 3;
    private static final int COMPACT = 4;
    private static final int GRANT = 5;
    private static final int REVOKE = 6;
    private static final int ALARM = 7;
    private static final int SET_MEMBER = 8;
    private static final int REMOVE_MEMBER = 9;
    private static final int PUBLISH_MEMBER = 10;

    private static final int OP_RANGE = 1;
    private static final int OP_PUT = 2;
    private static final int OP_DELETE = 3;
    private static final int OP_TXN = 4;

    private CommandCodec() {
    }

    static byte[] encode(Proposal p) {
        Wire.Out out = new Wire.Out().u8(VERSION).i64(p.client()).i64(p.seq());
        Command c = p.command();
        if (c instanceof Command.Put put) {
            put(out.u8(PUT), put.request());
        } else if (c instanceof Command.Delete d) {
            delete(out.u8(DELETE), d.request());
        } else if (c instanceof Command.Txn t) {
            txn(out.u8(TXN), t.request());
        } else if (c instanceof Command.Compact k) {
            out.u8(COMPACT).i64(k.revision());
        } else if (c instanceof Command.Grant g) {
            out.u8(GRANT).i64(g.id()).i64(g.ttlSeconds()).bool(g.picked());
        } else if (c instanceof Command.Revoke r) {
            out.u8(REVOKE).i64(r.id());
        } else if (c instanceof Command.SetAlarm a) {
            out.u8(ALARM).u8(a.type().ordinal()).bool(a.raise());
        } else if (c instanceof Command.SetMember m) {
            member(out.u8(SET_MEMBER), m.member());
        } else if (c instanceof Command.PublishMember m) {
            member(out.u8(PUBLISH_MEMBER), m.member());
        } else if (c instanceof Command.RemoveMember m) {
            out.u8(REMOVE_MEMBER).i64(m.id());
        }
        return out.bytes();
    }

    /** One entry of several proposals, each given in its {@link #encode} form. */
    static byte[] encodeBatch(List<byte[]> proposals) {
        Wire.Out out = new Wire.Out().u8(BATCH).count(proposals.size());
        proposals.forEach(out::bytes);
        return out.bytes();
    }

    /** The proposals of an entry: one, or the several of a batch, in order. */
    static List<Proposal> decodeEntry(byte[] entry) {
        List<byte[]> encoded = proposalsOf(entry);
        List<Proposal> proposals = new ArrayList<>(encoded.size());
        for (byte[] p : encoded) {
            proposals.add(decode(p));
        }
        return proposals;
    }

    /** The proposals of an entry in their {@link #encode} form, not decoded. */
    static List<byte[]> proposalsOf(byte[] entry) {
        if (entry.length == 0 || entry[0] != BATCH) {
            return List.of(entry);
        }
        Wire.In in = new Wire.In(entry);
        in.u8();
        int n = in.count();
        List<byte[]> proposals = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            proposals.add(in.bytes());
        }
        requireEnd(in, "the batch");
        return proposals;
    }

    static Proposal decode(byte[] entry) {
        Wire.In in = new Wire.In(entry);
        int version = in.u8();
        if (version != VERSION) {
            throw new NewerFormatException("its format is " + version + " and this Cairn reads format " + VERSION
                    + " (and " + BATCH + ", a batch of format-" + VERSION + " proposals)");
        }
        long client = in.i64();
        long seq = in.i64();
        int tag = in.u8();
        Command c = switch (tag) {
            case PUT -> new Command.Put(put(in));
            case DELETE -> new Command.Delete(delete(in));
            case TXN -> new Command.Txn(txn(in));
            case COMPACT -> new Command.Compact(in.i64());
            case GRANT -> new Command.Grant(in.i64(), in.i64(), in.bool());
            case REVOKE -> new Command.Revoke(in.i64());
            case ALARM -> new Command.SetAlarm(known(Alarm.Type.values(), in.u8(), "alarm type"), in.bool());
            case SET_MEMBER -> new Command.SetMember(member(in));
            case PUBLISH_MEMBER -> new Command.PublishMember(member(in));
            case REMOVE_MEMBER -> new Command.RemoveMember(in.i64());
            default -> throw new NewerFormatException("it holds command " + tag + ", unknown to this Cairn (format "
                    + version + " has commands 1 to " + PUBLISH_MEMBER + ")");
        };
        requireEnd(in, "command " + tag);
        return new Proposal(client, seq, c);
    }

    /** Bytes after the last field this release knows: a newer release added fields without a new version. */
    private static void requireEnd(Wire.In in, String what) {
        int left = in.remaining();
        if (left > 0) {
            throw new NewerFormatException(what + " has " + left + " bytes after the fields this Cairn knows");
        }
    }

    /** An enum constant by ordinal; one this release does not have is a newer format, not a bad index. */
    private static <E extends Enum<E>> E known(E[] values, int ordinal, String what) {
        if (ordinal >= values.length) {
            throw new NewerFormatException("it holds " + what + " " + ordinal + ", unknown to this Cairn (it knows 0 to "
                    + (values.length - 1) + ")");
        }
        return values[ordinal];
    }

    private static void member(Wire.Out out, MemberRecord r) {
        out.i64(r.id()).text(r.name()).count(r.peerUrls().size());
        r.peerUrls().forEach(out::text);
        out.count(r.clientUrls().size());
        r.clientUrls().forEach(out::text);
    }

    private static MemberRecord member(Wire.In in) {
        long id = in.i64();
        String name = in.text();
        List<String> peers = new ArrayList<>();
        for (int n = in.count(); n > 0; n--) {
            peers.add(in.text());
        }
        List<String> clients = new ArrayList<>();
        for (int n = in.count(); n > 0; n--) {
            clients.add(in.text());
        }
        return new MemberRecord(id, name, peers, clients);
    }

    private static void put(Wire.Out out, PutRequest r) {
        out.bytes(r.key()).bytes(r.value()).i64(r.lease()).bool(r.prevKv()).bool(r.ignoreValue())
                .bool(r.ignoreLease());
    }

    private static PutRequest put(Wire.In in) {
        return new PutRequest(in.bytes(), in.bytes(), in.i64(), in.bool(), in.bool(), in.bool());
    }

    private static void delete(Wire.Out out, DeleteRequest r) {
        out.range(r.range()).bool(r.prevKv());
    }

    private static DeleteRequest delete(Wire.In in) {
        return new DeleteRequest(in.range(), in.bool());
    }

    private static void range(Wire.Out out, RangeRequest r) {
        out.range(r.range()).i64(r.revision()).i64(r.limit()).u8(r.sortOrder().ordinal())
                .u8(r.sortTarget().ordinal()).bool(r.serializable()).bool(r.keysOnly()).bool(r.countOnly())
                .i64(r.minModRevision()).i64(r.maxModRevision()).i64(r.minCreateRevision())
                .i64(r.maxCreateRevision());
    }

    private static RangeRequest range(Wire.In in) {
        return new RangeRequest(in.range(), in.i64(), in.i64(),
                known(RangeRequest.SortOrder.values(), in.u8(), "sort order"),
                known(RangeRequest.SortTarget.values(), in.u8(), "sort target"), in.bool(), in.bool(), in.bool(),
                in.i64(), in.i64(), in.i64(), in.i64());
    }

    private static void txn(Wire.Out out, TxnRequest t) {
        out.count(t.compares().size());
        for (Compare c : t.compares()) {
            out.range(c.range()).u8(c.target().ordinal()).u8(c.result().ordinal()).i64(c.number())
                    .bytes(c.value());
        }
        ops(out, t.success());
        ops(out, t.failure());
    }

    private static TxnRequest txn(Wire.In in) {
        List<Compare> compares = new ArrayList<>();
        for (int n = in.count(); n > 0; n--) {
            compares.add(new Compare(in.range(), known(Compare.Target.values(), in.u8(), "compare target"),
                    known(Compare.Result.values(), in.u8(), "compare result"), in.i64(), in.bytes()));
        }
        return new TxnRequest(compares, ops(in), ops(in));
    }

    private static void ops(Wire.Out out, List<Op> ops) {
        out.count(ops.size());
        for (Op op : ops) {
            if (op instanceof Op.Range r) {
                range(out.u8(OP_RANGE), r.request());
            } else if (op instanceof Op.Put p) {
                put(out.u8(OP_PUT), p.request());
            } else if (op instanceof Op.Delete d) {
                delete(out.u8(OP_DELETE), d.request());
            } else if (op instanceof Op.Txn t) {
                txn(out.u8(OP_TXN), t.request());
            }
        }
    }

    private static List<Op> ops(Wire.In in) {
        int n = in.count();
        List<Op> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int tag = in.u8();
            ops.add(switch (tag) {
                case OP_RANGE -> new Op.Range(range(in));
                case OP_PUT -> new Op.Put(put(in));
                case OP_DELETE -> new Op.Delete(delete(in));
                case OP_TXN -> new Op.Txn(txn(in));
                default -> throw new NewerFormatException("it holds txn operation " + tag + ", unknown to this Cairn");
            });
        }
        return ops;
    }
}
