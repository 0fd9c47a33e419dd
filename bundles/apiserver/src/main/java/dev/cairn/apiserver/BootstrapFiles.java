package dev.cairn.apiserver;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The files every server of a cluster must share (K3s's bootstrap data), below {@code <data-dir>/server}: each CA
 * certificate and key in {@code tls/} and {@code tls/etcd/} (named {@code *-ca.crt}, {@code *-ca.key}; the leaf
 * certificates are each server's own), {@code cred/passwd}, and {@code cred/encryption-config.json} when secrets
 * encryption made one. A joining server writes them before it starts, so it trusts and is trusted by the others.
 */
final class BootstrapFiles {
    static final String PASSWD = "cred/passwd";
    static final String ENCRYPTION_CONFIG = "cred/encryption-config.json";

    private final Path serverDir;

    /** @param serverDir {@code <data-dir>/server} */
    BootstrapFiles(Path serverDir) {
        this.serverDir = serverDir;
    }

    /** The shared files, as paths relative to {@code server/} with {@code /} separators, sorted. */
    List<String> paths() throws IOException {
        List<String> paths = new ArrayList<>();
        paths.addAll(caFiles("tls"));
        paths.addAll(caFiles("tls/etcd"));
        if (!Files.isRegularFile(serverDir.resolve(PASSWD))) {
            throw new NoSuchFileException(serverDir.resolve(PASSWD).toString(), null,
                    "the password file of the cluster is missing; restart the server to have it written");
        }
        paths.add(PASSWD);
        if (Files.isRegularFile(serverDir.resolve(ENCRYPTION_CONFIG))) {
            paths.add(ENCRYPTION_CONFIG);
        }
        paths.sort(null);
        return paths;
    }

    /**
     * {@code {"files":{"<path>":{"Timestamp":"<RFC 3339 mtime>","Content":"<base64>"}}}}; the timestamp lets the
     * joining server give its copies the same modification time, as K3s does.
     */
    JsonObject json() throws IOException {
        JsonObject files = new JsonObject();
        for (String path : paths()) {
            Path file = serverDir.resolve(path);
            JsonObject entry = new JsonObject();
            entry.addProperty("Timestamp", Files.getLastModifiedTime(file).toInstant().toString());
            entry.addProperty("Content", Base64.getEncoder().encodeToString(Files.readAllBytes(file)));
            files.add(path, entry);
        }
        JsonObject body = new JsonObject();
        body.add("files", files);
        return body;
    }

    private List<String> caFiles(String dir) throws IOException {
        List<String> found = new ArrayList<>();
        Path folder = serverDir.resolve(dir);
        if (!Files.isDirectory(folder)) {
            return found;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, "*-ca.{crt,key}")) {
            for (Path entry : entries) {
                if (Files.isRegularFile(entry)) {
                    found.add(dir + "/" + entry.getFileName());
                }
            }
        }
        return found;
    }
}
