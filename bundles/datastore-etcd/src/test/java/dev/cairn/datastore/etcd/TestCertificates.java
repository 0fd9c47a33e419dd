package dev.cairn.datastore.etcd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A CA, an etcd server certificate for one address and a client certificate, made with the openssl command line
 * (keys in PKCS#8, as {@code --datastore-keyfile} wants them).
 */
final class TestCertificates {
    final Path ca;
    final Path serverCert;
    final Path serverKey;
    final Path clientCert;
    final Path clientKey;

    private TestCertificates(Path dir) {
        ca = dir.resolve("ca.crt");
        serverCert = dir.resolve("server.crt");
        serverKey = dir.resolve("server.key");
        clientCert = dir.resolve("client.crt");
        clientKey = dir.resolve("client.key");
    }

    static TestCertificates create(Path dir, String serverAddress) throws IOException, InterruptedException {
        TestCertificates c = new TestCertificates(dir);
        Path caKey = dir.resolve("ca.key");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", caKey.toString(), "-out", c.ca.toString(), "-days", "2", "-subj", "/CN=test-etcd-ca",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        leaf(dir, "server", c.ca, caKey, "subjectAltName=IP:" + serverAddress
                + "\nextendedKeyUsage=serverAuth,clientAuth\n");
        leaf(dir, "client", c.ca, caKey, "extendedKeyUsage=clientAuth\n");
        return c;
    }

    /** A second, unrelated CA: a server certificate checked against it fails. */
    static Path foreignCa(Path dir) throws IOException, InterruptedException {
        Path ca = dir.resolve("foreign-ca.crt");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", dir.resolve("foreign-ca.key").toString(), "-out", ca.toString(), "-days", "2",
                "-subj", "/CN=foreign-ca");
        return ca;
    }

    /** etcd's flags for serving this set with required client certificates. */
    List<String> etcdFlags() {
        return List.of("--cert-file", serverCert.toString(), "--key-file", serverKey.toString(),
                "--trusted-ca-file", ca.toString(), "--client-cert-auth");
    }

    private static void leaf(Path dir, String name, Path ca, Path caKey, String extensions)
            throws IOException, InterruptedException {
        Path ext = dir.resolve(name + ".ext");
        Files.writeString(ext, "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n" + extensions);
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", dir.resolve(name + ".key").toString(), "-out", dir.resolve(name + ".csr").toString(),
                "-subj", "/CN=test-" + name);
        openssl("x509", "-req", "-in", dir.resolve(name + ".csr").toString(), "-CA", ca.toString(),
                "-CAkey", caKey.toString(), "-CAcreateserial", "-days", "2",
                "-out", dir.resolve(name + ".crt").toString(), "-extfile", ext.toString());
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("openssl failed: " + String.join(" ", command) + "\n" + output);
        }
    }
}
