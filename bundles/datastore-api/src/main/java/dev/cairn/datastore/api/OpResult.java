package dev.cairn.datastore.api;

/** The result of one operation; {@link #revision()} is the store revision reported in its response header. */
public sealed interface OpResult permits RangeResult, PutResult, DeleteResult, TxnResult {
    long revision();
}
