package dev.cairn.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code cairn certificate rotate} on a stopped server: backs up {@code <data-dir>/server/tls} to
 * {@code server/tls-<unix seconds>}, then removes the chosen leaf certificates and their keys so that the next
 * server start issues new ones from the existing CAs (the security bundle creates any missing leaf at start). The
 * CAs are never touched. The launcher has no Bouncy Castle, so issuing is left to the code that issues certificates
 * anyway, rather than duplicated here.
 */
final class CertificateRotation {

    /** K3s's service names for {@code certificate rotate --service}, and the leaves (below server/tls) of each. */
    static final Map<String, List<String>> SERVICES = services();

    private final Path dataDir;
    private final Set<String> services;

    private CertificateRotation(Path dataDir, Set<String> services) {
        this.dataDir = dataDir;
        this.services = services;
    }

    /** Checks the service names; no name means every service. */
    static CertificateRotation of(Path dataDir, List<String> serviceNames) throws RotationException {
        Set<String> chosen = new LinkedHashSet<>();
        for (String name : serviceNames) {
            String service = name.trim();
            if (!SERVICES.containsKey(service)) {
                throw new RotationException("unknown service '" + service + "'; choose from "
                        + String.join(", ", SERVICES.keySet()));
            }
            chosen.add(service);
        }
        return new CertificateRotation(dataDir.toAbsolutePath(), chosen.isEmpty() ? SERVICES.keySet() : chosen);
    }

    /** Backs up and removes; reports each step on {@code out}. Refused while a server holds the data dir. */
    void run(Instant now, PrintStream out) throws RotationException {
        Path tlsDir = dataDir.resolve("server").resolve("tls");
        if (!Files.isDirectory(tlsDir)) {
            throw new RotationException("no certificates in " + tlsDir + "; check --data-dir (a server writes them "
                    + "on its first start)");
        }
        try (DataDirLock lock = DataDirLock.acquire(dataDir)) {
            Path backup = backup(tlsDir, now);
            out.println("backed up " + tlsDir + " to " + backup);
            for (String service : services) {
                List<String> removed = remove(tlsDir, SERVICES.get(service));
                out.println((removed.isEmpty() ? "nothing to remove for " + service
                        : "removed " + String.join(" ", removed) + " (" + service + ")"));
            }
        } catch (SettingsException e) {
            throw new RotationException("not rotating certificates: " + e.getMessage() + "; stop the server first "
                    + "(a running server renews certificates that expire within 90 days on its own)");
        }
        out.println("the next 'cairn server' start issues new certificates from the existing CAs (CAs are kept); "
                + "clients then need the new etcd/client.crt and cairn.yaml");
    }

    private static Path backup(Path tlsDir, Instant now) throws RotationException {
        Path backup = tlsDir.resolveSibling("tls-" + now.getEpochSecond());
        try {
            FileTree.copy(tlsDir, backup);
        } catch (FileAlreadyExistsException e) {
            throw new RotationException("backup directory " + backup + " already exists; run the command again "
                    + "in a second");
        } catch (IOException e) {
            throw new RotationException("could not back up " + tlsDir + " to " + backup + ": " + e
                    + "; nothing was removed", e);
        }
        return backup;
    }

    private static List<String> remove(Path tlsDir, List<String> leaves) throws RotationException {
        List<String> removed = new ArrayList<>();
        for (String leaf : leaves) {
            for (String file : List.of(leaf + ".crt", leaf + ".key")) {
                try {
                    if (Files.deleteIfExists(tlsDir.resolve(file))) {
                        removed.add(file);
                    }
                } catch (IOException e) {
                    throw new RotationException("could not remove " + tlsDir.resolve(file) + ": " + e, e);
                }
            }
        }
        return removed;
    }

    private static Map<String, List<String>> services() {
        Map<String, List<String>> services = new LinkedHashMap<>();
        services.put("admin", List.of("client-admin"));
        services.put("api-server", List.of("serving-kube-apiserver"));
        services.put("etcd", List.of("etcd/server-client", "etcd/peer-server-client", "etcd/client"));
        return java.util.Collections.unmodifiableMap(services);
    }
}
