package dev.cairn.security.tls;

import java.nio.file.Files;
import java.nio.file.Path;

/** A certificate and its private key on disk: {@code <name>.crt} and {@code <name>.key} side by side. */
public record CertificateFiles(Path cert, Path key) {

    static CertificateFiles in(Path dir, String name) {
        return new CertificateFiles(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
    }

    boolean certExists() {
        return Files.exists(cert);
    }

    boolean keyExists() {
        return Files.exists(key);
    }

    /** The path below {@code tlsDir} without extension, e.g. {@code etcd/server-client}, for log lines. */
    String name(Path tlsDir) {
        String file = tlsDir.relativize(cert).toString();
        return file.substring(0, file.length() - ".crt".length());
    }
}
