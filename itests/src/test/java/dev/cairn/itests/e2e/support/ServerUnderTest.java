package dev.cairn.itests.e2e.support;

/**
 * The server the end-to-end tests exercise: the Cairn distribution, or, with {@code -Dcairn.e2e.target=etcd}, the
 * reference etcd with the same TLS setup. Running the suite against etcd checks the tests themselves: every test
 * that is not about Cairn's own process behaviour must pass there.
 */
public final class ServerUnderTest {

    private ServerUnderTest() {
    }

    public static boolean isCairn() {
        return !"etcd".equals(System.getProperty("cairn.e2e.target", "cairn"));
    }

    /**
     * Not started yet; the caller starts it and closes it. Cairn runs datastore-only ({@code --disable-apiserver}),
     * as the etcd it is compared with: its Kubernetes-style API renews a node Lease every 10 s, and those writes
     * would move revisions between the steps of a test.
     */
    public static ManagedServer create(String name, String address) {
        return isCairn() ? CairnProcess.create(name, address, "--disable-apiserver")
                : ReferenceEtcd.withClientCertificates(name, address);
    }

    /** Created and started; closed again if the start fails. */
    public static ManagedServer start(String name, String address) {
        ManagedServer server = create(name, address);
        try {
            server.start();
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }
}
