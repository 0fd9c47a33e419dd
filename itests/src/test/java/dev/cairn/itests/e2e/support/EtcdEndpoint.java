package dev.cairn.itests.e2e.support;

import java.util.Optional;

/** A running server that answers the etcd v3 API, as the tests see it. */
public interface EtcdEndpoint {

    /** The server's name (Cairn's --node-name, etcd's --name); also names its log file. */
    String name();

    /** The loopback address the server listens on, like a host of its own. */
    String address();

    /** The etcd client port. */
    int clientPort();

    /** The client certificate files when the port speaks TLS; empty for the plain-http reference etcd. */
    Optional<ClientTls> tls();

    /** The URL clients dial: {@code https://<address>:<port>} with TLS, {@code http://...} without. */
    default String clientUrl() {
        return (tls().isPresent() ? "https://" : "http://") + address() + ":" + clientPort();
    }

    /** What the tests call this server in messages: "cairn" or "etcd". */
    String kind();

    /** The last lines of the server's output, for assertion messages. */
    String logTail();
}
