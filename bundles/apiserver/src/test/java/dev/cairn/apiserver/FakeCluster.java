package dev.cairn.apiserver;

import dev.cairn.datastore.api.ClusterMembership;
import dev.cairn.datastore.api.ClusterState;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.Member;
import dev.cairn.security.api.ClusterCredentials;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A datastore that only has a cluster: its members, and a membership whose answer to addMember the test decides.
 * Also the credentials of a cluster whose password is {@value #PASSWORD}.
 */
final class FakeCluster {
    static final String PASSWORD = "s3cret";

    final List<Member> members = new ArrayList<>();
    final List<Member> added = new ArrayList<>();
    String type = "raft";
    boolean hasMembership = true;
    Function<Member, CompletableFuture<Member>> onAdd = CompletableFuture::completedFuture;

    Datastore datastore() {
        return (Datastore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Datastore.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "type" -> type;
                    case "cluster" -> new ClusterState(1, members.get(0).id(), members.get(0).id(), 1, 1, 1, false,
                            List.copyOf(members));
                    case "membership" -> hasMembership ? Optional.of(membership()) : Optional.empty();
                    case "toString" -> "FakeCluster[" + type + "]";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private ClusterMembership membership() {
        return (ClusterMembership) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ClusterMembership.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("addMember")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    @SuppressWarnings("unchecked")
                    Member member = new Member(42, (String) args[0], (List<String>) args[1], List.of(),
                            (Boolean) args[2]);
                    added.add(member);
                    return onAdd.apply(member);
                });
    }

    static ClusterCredentials credentials() {
        return new ClusterCredentials() {
            @Override
            public String token() {
                return "K10" + "0".repeat(64) + "::server:" + PASSWORD;
            }

            @Override
            public String caHash() {
                return "0".repeat(64);
            }

            @Override
            public Optional<String> authenticate(String user, String password) {
                if (!PASSWORD.equals(password)) {
                    return Optional.empty();
                }
                return switch (user) {
                    case "server" -> Optional.of(ROLE_SERVER);
                    case "node" -> Optional.of(ROLE_NODE);
                    default -> Optional.empty();
                };
            }
        };
    }
}
