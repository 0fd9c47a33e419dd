package dev.cairn.datastore.etcd;

import dev.cairn.datastore.api.ClusterMembership;
import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.Member;
import dev.cairn.datastore.api.StoreError;
import dev.cairn.etcd.pb.Rpc;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Membership changes go to the external etcd's own Cluster API (and MoveLeader to its Maintenance API), so
 * {@code etcdctl member add/promote/remove/update} and {@code move-leader} through Cairn change the etcd cluster
 * with etcd's answers and errors. The cluster view is refreshed after each change.
 */
final class EtcdMembership implements ClusterMembership {
    private final EtcdDatastore store;

    EtcdMembership(EtcdDatastore store) {
        this.store = store;
    }

    /** etcd's MemberAdd carries no name: the member publishes its own when it starts. */
    @Override
    public CompletableFuture<Member> addMember(String name, List<String> peerUrls, boolean learner) {
        return refreshed(store.call(store.clusterApi()::memberAdd, Rpc.MemberAddRequest.newBuilder()
                .addAllPeerURLs(peerUrls).setIsLearner(learner).build(),
                resp -> member(resp.getMember()), Rpc.MemberAddResponse::getHeader));
    }

    @Override
    public CompletableFuture<Member> promoteMember(long memberId) {
        return refreshed(store.call(store.clusterApi()::memberPromote,
                Rpc.MemberPromoteRequest.newBuilder().setID(memberId).build(),
                resp -> find(resp.getMembersList(), memberId), Rpc.MemberPromoteResponse::getHeader));
    }

    @Override
    public CompletableFuture<Void> removeMember(long memberId) {
        return refreshed(store.call(store.clusterApi()::memberRemove,
                Rpc.MemberRemoveRequest.newBuilder().setID(memberId).build(),
                resp -> null, Rpc.MemberRemoveResponse::getHeader));
    }

    @Override
    public CompletableFuture<Member> updateMember(long memberId, List<String> peerUrls) {
        return refreshed(store.call(store.clusterApi()::memberUpdate,
                Rpc.MemberUpdateRequest.newBuilder().setID(memberId).addAllPeerURLs(peerUrls).build(),
                resp -> find(resp.getMembersList(), memberId), Rpc.MemberUpdateResponse::getHeader));
    }

    /** etcd accepts MoveLeader only on its leader: from another member it answers "not leader". */
    @Override
    public CompletableFuture<Void> moveLeader(long memberId) {
        return refreshed(store.call(store.maintenance()::moveLeader,
                Rpc.MoveLeaderRequest.newBuilder().setTargetID(memberId).build(),
                resp -> null, Rpc.MoveLeaderResponse::getHeader));
    }

    @Override
    public List<Member> members() {
        return store.cluster().members();
    }

    private <T> CompletableFuture<T> refreshed(CompletableFuture<T> change) {
        return change.thenCompose(result -> store.refreshCluster().handle((view, failure) -> result));
    }

    private static Member member(Rpc.Member m) {
        return new Member(m.getID(), m.getName(), List.copyOf(m.getPeerURLsList()), List.copyOf(m.getClientURLsList()),
                m.getIsLearner());
    }

    private static Member find(List<Rpc.Member> members, long id) {
        for (Rpc.Member m : members) {
            if (m.getID() == id) {
                return member(m);
            }
        }
        throw new DatastoreException(StoreError.MEMBER_NOT_FOUND);
    }
}
