package dev.cairn.datastore.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Changes to the members of a replicated datastore, with etcd's Cluster API semantics. A member's id is derived
 * from its first peer URL, so the id a member gets when it is added is the one its server uses once it starts.
 * Failures complete the futures with a {@link DatastoreException} carrying etcd's error
 * ({@link StoreError#PEER_URL_EXISTS}, {@link StoreError#MEMBER_NOT_FOUND}, {@link StoreError#MEMBER_NOT_LEARNER},
 * {@link StoreError#LEARNER_NOT_READY}, {@link StoreError#MEMBER_NOT_ENOUGH_STARTED}, {@link StoreError#NO_LEADER}).
 */
public interface ClusterMembership {

    /**
     * etcd's MemberAdd: records a member with these peer URLs and returns at once; the member catches up once its
     * server starts and can be reached. A member added as a learner does not vote until promoted.
     *
     * @param name  the member's name, or "" (etcd's MemberAdd carries none; a member publishes its name when it
     *              starts)
     * @return the new member
     */
    CompletableFuture<Member> addMember(String name, List<String> peerUrls, boolean learner);

    /** Makes a learner a voter; a learner that has not caught up with the leader is LEARNER_NOT_READY. */
    CompletableFuture<Member> promoteMember(long memberId);

    /** Removes a member (voter or learner); removing the last voter is MEMBER_NOT_ENOUGH_STARTED. */
    CompletableFuture<Void> removeMember(long memberId);

    /** Changes a member's peer URLs (after an address change). */
    CompletableFuture<Member> updateMember(long memberId, List<String> peerUrls);

    /** Hands leadership to the voter {@code memberId}; completes once it leads (BAD_LEADER_TRANSFEREE otherwise). */
    CompletableFuture<Void> moveLeader(long memberId);

    /** The members now, with learners marked. */
    List<Member> members();
}
