package dev.cairn.datastore.api;

import java.util.List;

/**
 * An atomic transaction, as etcd's {@code TxnRequest}: if every compare holds, run {@code success}, else
 * {@code failure}. The ops of the chosen branch run in order against one view (a range after a put sees the put)
 * and all their writes share one new revision; a branch without writes does not bump the revision.
 *
 * <p>Checked before anything runs: at most 128 compares and ops per branch, nested txns included
 * ({@link StoreError#TOO_MANY_OPS}); no key written twice in one branch ({@link StoreError#DUPLICATE_KEY});
 * no empty key ({@link StoreError#EMPTY_KEY}). See {@link TxnRules}.
 */
public record TxnRequest(List<Compare> compares, List<Op> success, List<Op> failure) {

    public TxnRequest {
        compares = compares == null ? List.of() : List.copyOf(compares);
        success = success == null ? List.of() : List.copyOf(success);
        failure = failure == null ? List.of() : List.copyOf(failure);
    }

    /** True when some op in either branch (nested txns included) may write. */
    public boolean mayWrite() {
        return mayWrite(success) || mayWrite(failure);
    }

    private static boolean mayWrite(List<Op> ops) {
        for (Op op : ops) {
            if (op instanceof Op.Put || op instanceof Op.Delete) {
                return true;
            }
            if (op instanceof Op.Txn t && t.request().mayWrite()) {
                return true;
            }
        }
        return false;
    }
}
