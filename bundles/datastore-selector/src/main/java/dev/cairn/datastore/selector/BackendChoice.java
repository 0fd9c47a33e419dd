package dev.cairn.datastore.selector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Which backend serves this server, by the precedence rule of DESIGN.md:
 * <ol>
 * <li>an initialized embedded etcd ({@code server/db/etcd/raft/} holds Raft storage) wins, and the flags that asked
 * for something else are reported as ignored;</li>
 * <li>{@code --datastore-endpoint} selects that backend type: {@code https://} and {@code http://} an external etcd,
 * {@code <type>:<location>} the backend of that type;</li>
 * <li>{@code --server} (the launcher has registered this server with the cluster) joins the embedded etcd;</li>
 * <li>{@code --cluster-init} founds the embedded etcd;</li>
 * <li>otherwise SQLite in the data dir.</li>
 * </ol>
 *
 * @param type     the backend type ({@code datastore.type} of its provider)
 * @param endpoint the endpoint handed to the backend
 * @param options  backend options
 * @param ignored  the flags the choice overrode, with the reason, one entry per flag
 */
record BackendChoice(String type, String endpoint, Map<String, String> options, List<String> ignored) {

    static final String RAFT = "raft";
    static final String SQLITE = "sqlite";
    /** The external etcd backend, chosen by an https:// or http:// endpoint. */
    static final String ETCD = "etcd";
    /** The PostgreSQL backend: postgres:// selects it by its type, postgresql:// (libpq's other spelling) too. */
    static final String POSTGRES = "postgres";
    /** Raft backend option: the SQLite store a new cluster is converted from. */
    static final String CONVERT_FROM = "raft.convert.from";
    /** Raft backend option: a copy of the SQLite store taken earlier, which only needs the writes since (live). */
    static final String CONVERT_BASE = "raft.convert.base";
    /** Written by the Raft backend into server/db/etcd when it converted a SQLite store (its SqliteConversion). */
    static final String CONVERSION_MARKER = "converted-from";

    /** The configuration the choice depends on. */
    record Request(Path dataDir, String endpoint, boolean clusterInit, String serverUrl, boolean join,
            boolean clusterReset) {
    }

    static BackendChoice decide(Request r) {
        String endpoint = r.endpoint() == null ? "" : r.endpoint().trim();
        String server = r.serverUrl() == null ? "" : r.serverUrl().trim();
        if (embeddedEtcdInitialized(r.dataDir()) || r.clusterReset()) {
            List<String> ignored = new java.util.ArrayList<>();
            String why = "an initialized embedded etcd exists in " + etcdDir(r.dataDir());
            if (r.clusterInit()) {
                ignored.add("--cluster-init (" + why + ")");
            }
            if (!server.isEmpty()) {
                ignored.add("--server " + server + " (" + why + "; membership comes from disk)");
            }
            if (!endpoint.isEmpty()) {
                ignored.add("--datastore-endpoint " + redact(endpoint) + " (" + why + ")");
            }
            // converted, but the process ended before the SQLite file was renamed: rename it now
            Path sqlite = sqliteStore(r.dataDir());
            Map<String, String> options = Files.isRegularFile(sqlite)
                    && Files.isRegularFile(etcdDir(r.dataDir()).resolve(CONVERSION_MARKER))
                    ? Map.of(CONVERT_FROM, sqlite.toString()) : Map.of();
            return new BackendChoice(RAFT, "", options, List.copyOf(ignored));
        }
        if (!endpoint.isEmpty()) {
            int colon = endpoint.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("datastore-endpoint: '" + redact(endpoint)
                        + "' names no datastore type; write it as https://<etcd>:2379 or sqlite:<path>");
            }
            String scheme = endpoint.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
            String type = scheme.equals("https") || scheme.equals("http") ? ETCD
                    : scheme.equals("postgresql") ? POSTGRES : endpoint.substring(0, colon);
            return new BackendChoice(type, endpoint, Map.of(), List.of());
        }
        if (!server.isEmpty()) {
            Map<String, String> options = new LinkedHashMap<>();
            options.put("raft.join", String.valueOf(r.join()));
            return new BackendChoice(RAFT, "", options, List.of());
        }
        if (r.clusterInit()) {
            Path sqlite = sqliteStore(r.dataDir());
            if (Files.isRegularFile(sqlite)) {
                // a server that ran on SQLite: its store becomes the new cluster's initial state
                return new BackendChoice(RAFT, "", Map.of(CONVERT_FROM, sqlite.toString()), List.of());
            }
            return new BackendChoice(RAFT, "", Map.of(), List.of());
        }
        return new BackendChoice(SQLITE, "", Map.of(), List.of());
    }

    /** A live conversion: the new group starts from {@code base}, brought up to date from {@code sqlite}. */
    static BackendChoice liveConversion(Path sqlite, Path base) {
        return new BackendChoice(RAFT, "", Map.of(CONVERT_FROM, sqlite.toString(), CONVERT_BASE, base.toString()),
                List.of());
    }

    /** This server's member of the embedded etcd, as found on disk. */
    static BackendChoice embeddedEtcd() {
        return new BackendChoice(RAFT, "", Map.of(), List.of());
    }

    /** The rule K3s uses too: Raft storage on disk means this server is a member, whatever the flags say. */
    static boolean embeddedEtcdInitialized(Path dataDir) {
        Path raft = etcdDir(dataDir).resolve("raft");
        if (!Files.isDirectory(raft)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(raft)) {
            return entries.findAny().isPresent();
        } catch (IOException e) {
            throw new IllegalStateException("invalid state for the embedded etcd directory " + raft + ": " + e, e);
        }
    }

    static Path sqliteStore(Path dataDir) {
        return dataDir.resolve("server").resolve("db").resolve("state.db");
    }

    /** The choice converts the SQLite store: after the conversion it is renamed so that it never runs twice. */
    boolean converts() {
        return options.containsKey(CONVERT_FROM);
    }

    static Path etcdDir(Path dataDir) {
        return dataDir.resolve("server").resolve("db").resolve("etcd");
    }

    /** An endpoint may carry a password (postgres://user:pw@host); logs show only the scheme and host part. */
    static String redact(String endpoint) {
        return endpoint.replaceAll("//[^/@]*@", "//***@");
    }
}
