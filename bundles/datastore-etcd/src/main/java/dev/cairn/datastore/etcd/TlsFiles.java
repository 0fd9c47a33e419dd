package dev.cairn.datastore.etcd;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The PEM files of {@code --datastore-cafile}, {@code --datastore-certfile} and {@code --datastore-keyfile}; any of
 * them may be absent (empty path): without a CA the JVM's trusted CAs verify the server, without a certificate and
 * key no client certificate is presented.
 */
record TlsFiles(String caFile, String certFile, String keyFile) {

    static final String CA_OPTION = "etcd.cafile";
    static final String CERT_OPTION = "etcd.certfile";
    static final String KEY_OPTION = "etcd.keyfile";

    TlsFiles {
        caFile = caFile == null ? "" : caFile.trim();
        certFile = certFile == null ? "" : certFile.trim();
        keyFile = keyFile == null ? "" : keyFile.trim();
    }

    boolean isEmpty() {
        return caFile.isEmpty() && certFile.isEmpty() && keyFile.isEmpty();
    }

    SslContext sslContext() {
        if (certFile.isEmpty() != keyFile.isEmpty()) {
            throw new IllegalArgumentException("--datastore-certfile and --datastore-keyfile go together: "
                    + (certFile.isEmpty() ? "--datastore-keyfile" : "--datastore-certfile") + " is set alone");
        }
        SslContextBuilder builder = GrpcSslContexts.forClient();
        if (!caFile.isEmpty()) {
            builder.trustManager(readable(caFile, "--datastore-cafile").toFile());
        }
        if (!certFile.isEmpty()) {
            Path cert = readable(certFile, "--datastore-certfile");
            Path key = readable(keyFile, "--datastore-keyfile");
            try {
                builder.keyManager(cert.toFile(), key.toFile());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--datastore-certfile " + cert + " / --datastore-keyfile " + key
                        + ": not a PEM certificate and an unencrypted PKCS#8 key (BEGIN PRIVATE KEY): "
                        + e.getMessage(), e);
            }
        }
        try {
            return builder.build();
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot use the TLS files of --datastore-cafile/certfile/keyfile ("
                    + this + "): " + e.getMessage(), e);
        }
    }

    private static Path readable(String file, String flag) {
        Path p = Path.of(file);
        if (!Files.isReadable(p)) {
            throw new IllegalArgumentException(flag + ": cannot read " + p.toAbsolutePath());
        }
        return p;
    }

    @Override
    public String toString() {
        return "ca=" + caFile + " cert=" + certFile + " key=" + keyFile;
    }
}
