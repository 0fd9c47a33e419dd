package dev.cairn.datastore.raft;

import java.lang.reflect.Method;
import java.util.Optional;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import org.apache.ratis.server.RaftServer;

/**
 * Where Cairn reaches into Ratis's server implementation, which offers no public way there: a division's role, and
 * from it the leader's state ({@link CommitBroadcast} tells followers of commits through its log appenders) or the
 * follower's state ({@link CandidacyTimer} reads when the leader was last heard), and the division as the client
 * protocol it implements ({@link RaftNode} submits its own requests there, without the server's executor hop). Each
 * caller falls back to Ratis's own behaviour when a lookup fails, so a Ratis upgrade that moves these costs speed,
 * not correctness; check this file and those three callers on every upgrade.
 */
final class RatisInternals {
    private static volatile Method getRole;
    private static volatile Method getLeaderState;
    private static volatile Method getFollowerState;

    private RatisInternals() {
    }

    /** The division's RoleInfo (package-private in Ratis). */
    static Object role(RaftServer.Division division) throws ReflectiveOperationException {
        Method m = getRole;
        if (m == null) {
            getRole = m = method(division.getClass(), "getRole");
        }
        return m.invoke(division);
    }

    /** The leader's LeaderStateImpl while {@code role} leads. */
    static Optional<?> leaderState(Object role) throws ReflectiveOperationException {
        Method m = getLeaderState;
        if (m == null) {
            getLeaderState = m = method(role.getClass(), "getLeaderState");
        }
        return (Optional<?>) m.invoke(role);
    }

    /** The follower's FollowerState while {@code role} follows. */
    static Optional<?> followerState(Object role) throws ReflectiveOperationException {
        Method m = getFollowerState;
        if (m == null) {
            getFollowerState = m = method(role.getClass(), "getFollowerState");
        }
        return (Optional<?>) m.invoke(role);
    }

    /**
     * The division's own entry point for client requests, or empty if it no longer implements one (the server's
     * entry point, which hands each request to an executor, then serves instead).
     */
    static Optional<RaftClientAsynchronousProtocol> clientProtocol(RaftServer.Division division) {
        return division instanceof RaftClientAsynchronousProtocol p ? Optional.of(p) : Optional.empty();
    }

    /** A declared method of Ratis's server implementation, made callable (most are package-private). */
    static Method method(Class<?> type, String name, Class<?>... parameters) throws NoSuchMethodException {
        Method m = type.getDeclaredMethod(name, parameters);
        m.setAccessible(true);
        return m;
    }
}
