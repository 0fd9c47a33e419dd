package dev.cairn.itests.e2e.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * The reference etcd as a cluster: one member per given loopback address, named {@code <namePrefix><i>} (from 1),
 * with plain-http peers and, on the client port, TLS with required client certificates exactly like the single
 * {@link ReferenceEtcd#withClientCertificates}. The members share one set of TLS files (one CA, a server certificate
 * naming every member's address), so one etcdctl can be pointed at all of them.
 */
public final class ReferenceEtcdCluster implements AutoCloseable {

    private final Path tlsDir;
    private final List<ReferenceEtcd> members = new ArrayList<>();

    /** Not started yet. */
    public ReferenceEtcdCluster(String namePrefix, String... addresses) {
        this.tlsDir = WorkDirs.freshDir(namePrefix + "tls");
        TestCertificates.writeEtcdLayout(tlsDir, addresses);
        List<String> initialCluster = new ArrayList<>();
        for (int i = 0; i < addresses.length; i++) {
            initialCluster.add(namePrefix + (i + 1) + "=" + ReferenceEtcd.peerUrl(addresses[i]));
        }
        for (int i = 0; i < addresses.length; i++) {
            members.add(ReferenceEtcd.clusterMember(namePrefix + (i + 1), addresses[i], tlsDir,
                    String.join(",", initialCluster)));
        }
    }

    /**
     * Starts every member at once: a member reports healthy only once a majority is up and has elected a leader,
     * so starting them one after the other would wait forever on the first.
     */
    public void start() {
        // a thread per member: the common pool may have a single thread on a small machine
        ExecutorService pool = Executors.newFixedThreadPool(members.size());
        try {
            List<CompletableFuture<Void>> starts = members.stream()
                    .map(member -> CompletableFuture.runAsync(member::start, pool)).collect(Collectors.toList());
            CompletableFuture.allOf(starts.toArray(new CompletableFuture[0])).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        } finally {
            pool.shutdownNow();
        }
    }

    public List<ReferenceEtcd> members() {
        return List.copyOf(members);
    }

    /** Stops every member and deletes the data directories and the shared TLS files. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (ReferenceEtcd member : members) {
            try {
                member.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        WorkDirs.delete(tlsDir);
        if (first != null) {
            throw first;
        }
    }
}
