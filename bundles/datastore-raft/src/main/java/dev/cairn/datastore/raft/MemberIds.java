package dev.cairn.datastore.raft;

import dev.cairn.datastore.api.StoreError;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * etcd member and cluster ids (positive uint64s) and Raft peer ids. A member's id comes from its first peer URL
 * ({@code https://host:port}), so a member added by URL (etcd's MemberAdd carries no name) has the id its server
 * computes for itself when it starts; its Raft peer id is that id in hex, so either converts to the other. The
 * cluster's id comes from the Raft group id.
 */
final class MemberIds {
    private static final String HEX16 = "[0-9a-f]{16}";

    private MemberIds() {
    }

    /** The id of the member whose first peer URL is {@code peerUrl}. */
    static long ofPeerUrl(String peerUrl) {
        return of(normalized(peerUrl));
    }

    static RaftPeerId peerId(long memberId) {
        return RaftPeerId.valueOf(String.format("%016x", memberId));
    }

    /** The member id of a Raft peer; a peer id that is not a member id in hex (none should be) is hashed. */
    static long of(RaftPeerId peer) {
        String s = peer.toString();
        return s.matches(HEX16) ? Long.parseUnsignedLong(s, 16) : of(s);
    }

    /** A peer URL as {@code https://host:port} (host in lower case), or MEMBER_BAD_URLS. */
    static String normalized(String peerUrl) {
        URI u;
        try {
            u = URI.create(peerUrl.trim());
        } catch (IllegalArgumentException e) {
            throw StoreError.MEMBER_BAD_URLS.exception();
        }
        if (u.getHost() == null || u.getPort() <= 0 || u.getScheme() == null
                || !(u.getScheme().equals("https") || u.getScheme().equals("http"))) {
            throw StoreError.MEMBER_BAD_URLS.exception();
        }
        return "https://" + u.getHost().toLowerCase(Locale.ROOT) + ":" + u.getPort();
    }

    /** Checks a member's peer URLs (at least one, each {@code https://host:port}); MEMBER_BAD_URLS otherwise. */
    static List<String> checked(List<String> peerUrls) {
        if (peerUrls == null || peerUrls.isEmpty()) {
            throw StoreError.MEMBER_BAD_URLS.exception();
        }
        peerUrls.forEach(MemberIds::normalized);
        return List.copyOf(peerUrls);
    }

    /** The Raft address ({@code host:port}) of a peer URL. */
    static String address(String peerUrl) {
        URI u = URI.create(normalized(peerUrl));
        return u.getHost() + ":" + u.getPort();
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
