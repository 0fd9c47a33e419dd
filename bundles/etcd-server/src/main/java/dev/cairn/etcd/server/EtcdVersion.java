package dev.cairn.etcd.server;

/**
 * The etcd version Cairn answers as. kube-apiserver enables consistent reads from its watch cache only for etcd
 * 3.5.13 and later (its feature support checker parses Status.version), and etcdctl 3.4 accepts any 3.x server.
 */
final class EtcdVersion {
    static final String SERVER = "3.5.17";
    static final String CLUSTER = "3.5.0";

    private EtcdVersion() {
    }
}
