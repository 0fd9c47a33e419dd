package dev.cairn.security.tls;

import static dev.cairn.security.tls.TlsFixture.NODE1;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** An independent TLS implementation (OpenSSL, when installed) accepts the chains and parses the keys. */
public class OpenSslTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @BeforeClass
    public static void requireOpenSsl() {
        assumeTrue("openssl not installed", onPath("openssl"));
    }

    @Test
    public void opensslVerifiesEveryChainForItsPurpose() throws Exception {
        TlsLayout tls = TlsFixture.ensure(temp.getRoot().toPath(), NODE1);

        verify(tls.etcdServerCa(), tls.etcdServerCert(), "sslserver", "-verify_ip", "10.0.0.5");
        verify(tls.etcdServerCa(), tls.etcdServerCert(), "sslserver", "-verify_ip", "::1");
        verify(tls.etcdServerCa(), tls.etcdServerCert(), "sslserver", "-verify_hostname", "cairn.example.com");
        verify(tls.etcdServerCa(), tls.etcdServerCert(), "sslclient");
        verify(tls.peerCa(), tls.peerCert(), "sslserver", "-verify_ip", "192.168.7.7");
        verify(tls.peerCa(), tls.peerCert(), "sslclient");
        verify(tls.etcdServerCa(), tls.etcdClientCert(), "sslclient");
        verify(tls.serverCa(), tls.servingCert(), "sslserver", "-verify_hostname", "node1");
        verify(tls.clientCa(), tls.adminCert(), "sslclient");
    }

    @Test
    public void opensslRejectsAWrongAddressAndAWrongCa() throws Exception {
        TlsLayout tls = TlsFixture.ensure(temp.getRoot().toPath(), NODE1);

        assertTrue(run("openssl", "verify", "-CAfile", tls.etcdServerCa().toString(), "-purpose", "sslserver",
                "-verify_ip", "10.9.9.9", tls.etcdServerCert().toString()).exitCode != 0);
        assertTrue(run("openssl", "verify", "-CAfile", tls.peerCa().toString(),
                tls.etcdServerCert().toString()).exitCode != 0);
    }

    @Test
    public void opensslReadsTheCertificateExtensionsAndKeys() throws Exception {
        TlsLayout tls = TlsFixture.ensure(temp.getRoot().toPath(), NODE1);

        Result text = run("openssl", "x509", "-noout", "-text", "-in", tls.etcdServerCert().toString());
        assertEquals(text.output, 0, text.exitCode);
        assertTrue(text.output, text.output.contains("DNS:node1"));
        assertTrue(text.output, text.output.contains("DNS:localhost"));
        assertTrue(text.output, text.output.contains("IP Address:127.0.0.1"));
        assertTrue(text.output, text.output.contains("IP Address:0:0:0:0:0:0:0:1"));
        assertTrue(text.output, text.output.contains("TLS Web Server Authentication, TLS Web Client Authentication"));
        assertTrue(text.output, text.output.contains("prime256v1"));
        assertTrue(text.output, text.output.contains("CA:FALSE"));

        for (Path key : List.of(tls.etcdServerKey(), tls.etcdClientKey(), tls.peerKey(), tls.servingKey(),
                tls.adminKey())) {
            Result parsed = run("openssl", "pkey", "-noout", "-in", key.toString());
            assertEquals(key + ": " + parsed.output, 0, parsed.exitCode);
        }
        Result admin = run("openssl", "x509", "-noout", "-subject", "-in", tls.adminCert().toString());
        assertTrue(admin.output, admin.output.contains("O = system:masters, CN = system:admin"));
    }

    private static void verify(Path ca, Path cert, String purpose, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "verify", "-x509_strict", "-CAfile",
                ca.toString(), "-purpose", purpose));
        command.addAll(List.of(extra));
        command.add(cert.toString());
        Result result = run(command.toArray(String[]::new));
        assertEquals(String.join(" ", command) + "\n" + result.output, 0, result.exitCode);
        assertTrue(result.output, result.output.contains(": OK"));
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        return new Result(process.exitValue(), output);
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, program).canExecute()) {
                return true;
            }
        }
        return false;
    }
}
