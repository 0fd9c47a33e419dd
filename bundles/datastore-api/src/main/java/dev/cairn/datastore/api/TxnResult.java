package dev.cairn.datastore.api;

import java.util.List;

/** @param results one per op of the executed branch, in order */
public record TxnResult(long revision, boolean succeeded, List<OpResult> results) implements OpResult {
}
