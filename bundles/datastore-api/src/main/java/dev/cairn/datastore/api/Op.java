package dev.cairn.datastore.api;

/** One operation of a transaction branch. */
public sealed interface Op {

    record Range(RangeRequest request) implements Op {
    }

    record Put(PutRequest request) implements Op {
    }

    record Delete(DeleteRequest request) implements Op {
    }

    record Txn(TxnRequest request) implements Op {
    }
}
