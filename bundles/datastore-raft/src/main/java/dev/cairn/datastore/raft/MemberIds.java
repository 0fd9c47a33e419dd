package dev.cairn.datastore.raft;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * etcd member and cluster ids (positive uint64s) derived from stable names: a member's id from its Raft peer id,
 * the cluster's from the Raft group id. The same name gives the same id on every server and across restarts.
 */
final class MemberIds {
    private MemberIds() {
    }

    static long of(String stableName) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(stableName.getBytes(StandardCharsets.UTF_8));
            long id = ByteBuffer.wrap(digest).getLong() & Long.MAX_VALUE;
            return id == 0 ? 1 : id;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
