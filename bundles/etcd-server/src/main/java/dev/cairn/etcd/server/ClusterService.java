package dev.cairn.etcd.server;

import dev.cairn.datastore.api.ClusterMembership;
import dev.cairn.datastore.api.ClusterState;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.Member;
import dev.cairn.etcd.pb.ClusterGrpc;
import dev.cairn.etcd.pb.Rpc;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * etcd's {@code v3rpc/member.go}. Membership comes from {@link Datastore#cluster()}; changes go to the datastore's
 * {@link ClusterMembership}. A datastore without one (a single-node backend) answers changes as etcd answers a
 * cluster that cannot make them: adding or removing is "not enough started members" (etcd's strict
 * reconfiguration check), promoting a voter is "can only promote a learner member", unknown ids are "member not
 * found".
 */
final class ClusterService extends ClusterGrpc.ClusterImplBase {
    private final Datastore datastore;
    private final ResponseHeaders headers;
    private final Replies replies;
    private final String nodeName;
    private final String advertisedClientUrl;

    ClusterService(Datastore datastore, ResponseHeaders headers, Replies replies, String nodeName,
            String advertisedClientUrl) {
        this.datastore = datastore;
        this.headers = headers;
        this.replies = replies;
        this.nodeName = nodeName;
        this.advertisedClientUrl = advertisedClientUrl;
    }

    @Override
    public void memberList(Rpc.MemberListRequest r, StreamObserver<Rpc.MemberListResponse> out) {
        replies.now(out, () -> Rpc.MemberListResponse.newBuilder().setHeader(header())
                .addAllMembers(members(datastore.cluster())).build());
    }

    @Override
    public void memberAdd(Rpc.MemberAddRequest r, StreamObserver<Rpc.MemberAddResponse> out) {
        Optional<ClusterMembership> membership = datastore.membership();
        if (membership.isPresent()) {
            replies.reply(out, () -> {
                checkUrls(r.getPeerURLsList());
                return membership.get().addMember("", r.getPeerURLsList(), r.getIsLearner());
            }, added -> Rpc.MemberAddResponse.newBuilder().setHeader(header()).setMember(ProtoMapper.member(added))
                    .addAllMembers(members(datastore.cluster())).build());
            return;
        }
        replies.now(out, () -> {
            checkUrls(r.getPeerURLsList());
            List<Rpc.Member> members = members(datastore.cluster());
            for (Rpc.Member m : members) {
                for (String url : r.getPeerURLsList()) {
                    if (m.getPeerURLsList().contains(url)) {
                        throw GrpcErrors.PEER_URL_EXISTS;
                    }
                }
            }
            throw GrpcErrors.MEMBER_NOT_ENOUGH_STARTED;
        });
    }

    @Override
    public void memberRemove(Rpc.MemberRemoveRequest r, StreamObserver<Rpc.MemberRemoveResponse> out) {
        Optional<ClusterMembership> membership = datastore.membership();
        if (membership.isPresent()) {
            replies.reply(out, () -> membership.get().removeMember(r.getID()),
                    done -> Rpc.MemberRemoveResponse.newBuilder().setHeader(header())
                            .addAllMembers(members(datastore.cluster())).build());
            return;
        }
        replies.now(out, () -> {
            find(r.getID());
            throw GrpcErrors.MEMBER_NOT_ENOUGH_STARTED;
        });
    }

    @Override
    public void memberUpdate(Rpc.MemberUpdateRequest r, StreamObserver<Rpc.MemberUpdateResponse> out) {
        Optional<ClusterMembership> membership = datastore.membership();
        if (membership.isPresent()) {
            replies.reply(out, () -> {
                checkUrls(r.getPeerURLsList());
                return membership.get().updateMember(r.getID(), r.getPeerURLsList());
            }, updated -> Rpc.MemberUpdateResponse.newBuilder().setHeader(header())
                    .addAllMembers(members(datastore.cluster())).build());
            return;
        }
        replies.now(out, () -> {
            Rpc.Member member = find(r.getID());
            checkUrls(r.getPeerURLsList());
            if (!member.getPeerURLsList().equals(r.getPeerURLsList())) {
                throw GrpcErrors.MEMBER_NOT_ENOUGH_STARTED;
            }
            // Nothing changes: the update is already in effect.
            return Rpc.MemberUpdateResponse.newBuilder().setHeader(header())
                    .addAllMembers(members(datastore.cluster())).build();
        });
    }

    @Override
    public void memberPromote(Rpc.MemberPromoteRequest r, StreamObserver<Rpc.MemberPromoteResponse> out) {
        Optional<ClusterMembership> membership = datastore.membership();
        if (membership.isPresent()) {
            replies.reply(out, () -> membership.get().promoteMember(r.getID()),
                    promoted -> Rpc.MemberPromoteResponse.newBuilder().setHeader(header())
                            .addAllMembers(members(datastore.cluster())).build());
            return;
        }
        replies.now(out, () -> {
            Rpc.Member member = find(r.getID());
            if (!member.getIsLearner()) {
                throw GrpcErrors.MEMBER_NOT_LEARNER;
            }
            throw GrpcErrors.MEMBER_NOT_ENOUGH_STARTED;
        });
    }

    /** etcd's member responses carry no revision of their own; the header gets the current one. */
    private Rpc.ResponseHeader header() {
        return headers.current();
    }

    private Rpc.Member find(long id) {
        for (Rpc.Member m : members(datastore.cluster())) {
            if (m.getID() == id) {
                return m;
            }
        }
        throw GrpcErrors.MEMBER_NOT_FOUND;
    }

    /**
     * The datastore's members; this member's client URL is the advertised one when the datastore knows none, and a
     * datastore that lists no member at all is shown as this one member.
     */
    List<Rpc.Member> members(ClusterState cluster) {
        List<Rpc.Member> out = new ArrayList<>();
        for (Member m : cluster.members()) {
            Rpc.Member pm = ProtoMapper.member(m);
            if (m.id() == cluster.memberId() && m.clientUrls().isEmpty()) {
                pm = pm.toBuilder().addClientURLs(advertisedClientUrl).build();
            }
            out.add(pm);
        }
        if (out.isEmpty()) {
            out.add(Rpc.Member.newBuilder().setID(cluster.memberId()).setName(nodeName)
                    .addClientURLs(advertisedClientUrl).build());
        }
        return out;
    }

    /** etcd's {@code types.NewURLs}: every URL absolute with a scheme, a host and a port, nothing else. */
    private static void checkUrls(List<String> urls) {
        if (urls.isEmpty()) {
            throw GrpcErrors.MEMBER_BAD_URLS;
        }
        for (String url : urls) {
            try {
                URI u = new URI(url);
                boolean plain = u.getRawPath() == null || u.getRawPath().isEmpty();
                if (u.getScheme() == null || u.getHost() == null || u.getPort() < 0 || !plain) {
                    throw GrpcErrors.MEMBER_BAD_URLS;
                }
            } catch (URISyntaxException e) {
                throw GrpcErrors.MEMBER_BAD_URLS;
            }
        }
    }
}
