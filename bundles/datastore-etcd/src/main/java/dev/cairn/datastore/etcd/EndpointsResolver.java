package dev.cairn.datastore.etcd;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands gRPC the fixed list of etcd endpoints, each with its own authority, so that TLS checks every member's
 * certificate against the name it was reached by (one channel, several members, as etcd's clientv3 does).
 */
final class EndpointsResolver extends NameResolver {
    static final String SCHEME = "cairn-etcd";

    private final EtcdEndpoints endpoints;

    EndpointsResolver(EtcdEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    public String getServiceAuthority() {
        return endpoints.addresses().get(0).authority();
    }

    @Override
    public void start(Listener2 listener) {
        List<EquivalentAddressGroup> groups = new ArrayList<>();
        for (EtcdEndpoints.HostPort a : endpoints.addresses()) {
            // unresolved: a host name is looked up when its subchannel connects, not once at startup
            InetSocketAddress address = InetSocketAddress.createUnresolved(a.host(), a.port());
            Attributes attrs = Attributes.newBuilder()
                    .set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE, a.authority()).build();
            groups.add(new EquivalentAddressGroup(resolve(address), attrs));
        }
        listener.onResult(ResolutionResult.newBuilder().setAddresses(groups).build());
    }

    private static InetSocketAddress resolve(InetSocketAddress unresolved) {
        InetSocketAddress resolved = new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
        return resolved.isUnresolved() ? unresolved : resolved;
    }

    @Override
    public void shutdown() {
    }

    /** Builds the resolver for the channel's target {@code cairn-etcd:///endpoints}. */
    static final class Factory extends NameResolver.Factory {
        private final EtcdEndpoints endpoints;

        Factory(EtcdEndpoints endpoints) {
            this.endpoints = endpoints;
        }

        @Override
        public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
            return SCHEME.equals(targetUri.getScheme()) ? new EndpointsResolver(endpoints) : null;
        }

        @Override
        public String getDefaultScheme() {
            return SCHEME;
        }
    }
}
