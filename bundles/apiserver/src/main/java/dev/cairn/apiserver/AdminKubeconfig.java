package dev.cairn.apiserver;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

/**
 * {@code <data-dir>/cairn.yaml}: the admin kubeconfig (K3s's k3s.yaml), pointing at this server with the server CA
 * and the admin client certificate. Written whole to a 0600 temporary file and renamed over the old one, so a
 * reader never sees half a file or a moment of wider permissions.
 */
final class AdminKubeconfig {
    private AdminKubeconfig() {
    }

    static String render(String serverUrl, byte[] ca, byte[] cert, byte[] key) {
        Base64.Encoder b64 = Base64.getEncoder();
        return "apiVersion: v1\n"
                + "clusters:\n"
                + "- cluster:\n"
                + "    certificate-authority-data: " + b64.encodeToString(ca) + "\n"
                + "    server: " + serverUrl + "\n"
                + "  name: default\n"
                + "contexts:\n"
                + "- context:\n"
                + "    cluster: default\n"
                + "    user: default\n"
                + "  name: default\n"
                + "current-context: default\n"
                + "kind: Config\n"
                + "preferences: {}\n"
                + "users:\n"
                + "- name: default\n"
                + "  user:\n"
                + "    client-certificate-data: " + b64.encodeToString(cert) + "\n"
                + "    client-key-data: " + b64.encodeToString(key) + "\n";
    }

    static void write(Path file, String serverUrl, Path ca, Path cert, Path key) throws IOException {
        String text = render(serverUrl, Files.readAllBytes(ca), Files.readAllBytes(cert), Files.readAllBytes(key));
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".cairn.yaml", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, text);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
