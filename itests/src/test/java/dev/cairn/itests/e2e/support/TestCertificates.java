package dev.cairn.itests.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made with the openssl command line for the test side only: a TLS set for the reference etcd in
 * Cairn's file layout, and a client certificate from a CA the server does not trust.
 */
public final class TestCertificates {

    private TestCertificates() {
    }

    /**
     * Writes {@code server-ca.crt}, {@code server-client.crt/.key} (server, SAN = the addresses: one for a single
     * server, every member's for a cluster whose members share the files) and {@code client.crt/.key} into
     * {@code etcdTlsDir}, Cairn's {@code server/tls/etcd} layout.
     */
    public static void writeEtcdLayout(Path etcdTlsDir, String... addresses) {
        mkdirs(etcdTlsDir);
        Path ca = etcdTlsDir.resolve("server-ca.crt");
        Path caKey = etcdTlsDir.resolve("server-ca.key");
        newCa(ca, caKey, "e2e-etcd-server-ca");
        StringBuilder san = new StringBuilder("subjectAltName=");
        for (String address : addresses) {
            san.append("IP:").append(address).append(',');
        }
        signedLeaf(etcdTlsDir, "server-client", ca, caKey, "e2e-etcd-server",
                san + "DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n");
        signedLeaf(etcdTlsDir, "client", ca, caKey, "e2e-etcd-client", "extendedKeyUsage=clientAuth\n");
    }

    /** A client certificate signed by a CA of its own, which no server of the tests trusts. */
    public static ClientTls foreignClient(Path dir, Path serverCa) {
        mkdirs(dir);
        Path ca = dir.resolve("foreign-ca.crt");
        Path caKey = dir.resolve("foreign-ca.key");
        newCa(ca, caKey, "e2e-foreign-ca");
        signedLeaf(dir, "foreign-client", ca, caKey, "e2e-foreign-client", "extendedKeyUsage=clientAuth\n");
        return new ClientTls(serverCa, dir.resolve("foreign-client.crt"), dir.resolve("foreign-client.key"));
    }

    private static void newCa(Path cert, Path key, String commonName) {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=" + commonName,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    private static void signedLeaf(Path dir, String name, Path ca, Path caKey, String commonName, String extensions) {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path ext = dir.resolve(name + ".ext");
        try {
            Files.writeString(ext, "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n" + extensions);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + commonName);
        openssl("x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-days", "2", "-out", dir.resolve(name + ".crt").toString(),
                "-extfile", ext.toString());
    }

    private static void openssl(String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError("openssl failed: " + String.join(" ", command) + "\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
