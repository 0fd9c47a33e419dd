package dev.cairn.itests.e2e;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import dev.cairn.itests.e2e.support.Await;
import dev.cairn.itests.e2e.support.BackgroundEtcdctl;
import dev.cairn.itests.e2e.support.CairnProcess;
import dev.cairn.itests.e2e.support.ClientTls;
import dev.cairn.itests.e2e.support.Etcdctl;
import dev.cairn.itests.e2e.support.CairnCli;
import dev.cairn.itests.e2e.support.EtcdctlResult;
import dev.cairn.itests.e2e.support.ManagedServer;
import dev.cairn.itests.e2e.support.ServerUnderTest;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.After;
import org.junit.Test;

/**
 * Certificate renewal as an operator sees it: a running server renews certificates near their end and serves them
 * to new connections on the etcd and HTTPS API ports without a restart, while an open watch goes on; and
 * {@code cairn certificate rotate} is refused while the server runs, then, with the server stopped, makes a backup
 * under {@code server/tls-<unix time>}, and the next start issues new leaf certificates from the same CAs, which
 * etcdctl uses with the data stored before.
 */
public class CertificateRotateIT {

    private static final String ADDRESS = "127.0.0.29";
    private static final int HTTPS_PORT = 6443;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private CairnProcess server;

    @After
    public void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    public void rotateIsRefusedWhileRunningAndTheNextStartIssuesNewLeavesFromTheSameCa() throws Exception {
        assumeTrue("Cairn's certificate command", ServerUnderTest.isCairn());
        server = CairnProcess.create("certificate-rotate", ADDRESS);
        server.start();
        Etcdctl etcdctl = new Etcdctl(server);
        etcdctl.run("put", "/rotate/k", "kept").requireSuccess();
        Path tls = server.dataDir().resolve("server/tls");
        BigInteger oldServing = serial(tls.resolve("etcd/server-client.crt"));
        BigInteger oldAdmin = serial(tls.resolve("client-admin.crt"));
        byte[] ca = Files.readAllBytes(tls.resolve("etcd/server-ca.crt"));

        CairnCli.Result refused = rotate(server.dataDir());
        assertEquals("rotate while the server runs\n" + refused.output(), 1, refused.exitCode());
        assertTrue(refused.output(), refused.output().contains("in use") && refused.output().contains("stop the server"));
        assertEquals(oldServing, serial(tls.resolve("etcd/server-client.crt")));

        ManagedServer.Stop stop = server.stop(Duration.ofSeconds(5));
        assertTrue("stopped\n" + server.logTail(), stop.withinGrace());
        CairnCli.Result rotated = rotate(server.dataDir());
        assertEquals("rotate on the stopped server\n" + rotated.output(), 0, rotated.exitCode());
        Path backup = onlyBackup(server.dataDir());
        assertTrue(rotated.output(), rotated.output().contains("backed up " + tls + " to " + backup));
        assertEquals(oldServing, serial(backup.resolve("etcd/server-client.crt")));

        server.restart();
        assertNotEquals(oldServing, serial(tls.resolve("etcd/server-client.crt")));
        assertNotEquals(oldAdmin, serial(tls.resolve("client-admin.crt")));
        assertArrayEquals("the CA is never rotated", ca, Files.readAllBytes(tls.resolve("etcd/server-ca.crt")));
        EtcdctlResult value = etcdctl.run("get", "/rotate/k", "--print-value-only"); // with the new client cert
        assertEquals(value + "\n" + server.logTail(), "kept\n", value.stdout());
    }

    @Test
    public void aRunningServerRenewsACertificateNearExpiryAndServesItWithoutARestart() throws Exception {
        assumeTrue("Cairn's certificate renewal", ServerUnderTest.isCairn());
        server = CairnProcess.create("certificate-renew", ADDRESS).withEnvironment("JAVA_OPTS",
                "-Xmx512m -XX:+UseSerialGC -Dcairn.tls.renewal-check-interval=1s");
        server.start();
        Path tls = server.dataDir().resolve("server/tls");
        Etcdctl etcdctl = new Etcdctl(server);
        ClientTls etcdClient = ClientTls.inDataDir(server.dataDir());
        ClientTls apiClient = new ClientTls(tls.resolve("server-ca.crt"), tls.resolve("client-admin.crt"),
                tls.resolve("client-admin.key"));
        BigInteger originalEtcd = servedSerial(CairnProcess.CLIENT_PORT, etcdClient);
        // the server counts as started once the etcd port serves; the HTTPS API may open a moment later
        Await.until("the HTTPS API to accept connections", Duration.ofSeconds(20),
                () -> portOpen(HTTPS_PORT), server::logTail);
        BigInteger originalApi = servedSerial(HTTPS_PORT, apiClient);
        etcdctl.run("put", "/renew/k", "one").requireSuccess();
        // from revision 1: the first put arrives as history once the watch exists, so there is no race with it
        try (BackgroundEtcdctl watch = etcdctl.start("watch", "/renew/k", "--rev=1")) {
            assertTrue("the watch sees the first put: " + watch.stdout(),
                    watch.awaitStdout(Duration.ofSeconds(20), out -> out.contains("one")));

            BigInteger expiringEtcd =
                    replaceWithCertificateExpiringIn30Days(tls, "etcd/server-client", "etcd/server-ca");
            BigInteger expiringApi = replaceWithCertificateExpiringIn30Days(tls, "serving-kube-apiserver", "server-ca");
            // the server may serve the near-expiry files for a moment (it reloads changed files) before it renews them
            Await.until("the server to serve renewed certificates", Duration.ofSeconds(30),
                    () -> isRenewed(servedSerial(CairnProcess.CLIENT_PORT, etcdClient), originalEtcd, expiringEtcd)
                            && isRenewed(servedSerial(HTTPS_PORT, apiClient), originalApi, expiringApi),
                    server::logTail);

            BigInteger renewedEtcd = servedSerial(CairnProcess.CLIENT_PORT, etcdClient);
            assertTrue(isRenewed(renewedEtcd, originalEtcd, expiringEtcd));
            assertEquals(renewedEtcd, serial(tls.resolve("etcd/server-client.crt")));
            BigInteger renewedApi = servedSerial(HTTPS_PORT, apiClient);
            assertTrue(isRenewed(renewedApi, originalApi, expiringApi));
            assertEquals(renewedApi, serial(tls.resolve("serving-kube-apiserver.crt")));
            assertTrue(server.logTail(), server.logTail().contains("tls reissued certificate file="
                    + tls.resolve("etcd/server-client.crt")));
            etcdctl.run("put", "/renew/k", "two").requireSuccess();
            assertTrue("the watch opened before the renewal goes on: " + watch.stdout(),
                    watch.awaitStdout(Duration.ofSeconds(20), out -> out.contains("two")));
        }
        assertTrue(server.isRunning());
    }

    /** Signs a new {@code name} certificate valid 30 days with the server's own CA, as one near its end. */
    private static BigInteger replaceWithCertificateExpiringIn30Days(Path tls, String name, String ca)
            throws Exception {
        Path work = Files.createTempDirectory(tls.getParent(), "near-expiry");
        Path key = work.resolve("leaf.key");
        Path csr = work.resolve("leaf.csr");
        Path cert = work.resolve("leaf.crt");
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=near-expiry");
        openssl("x509", "-req", "-in", csr.toString(), "-CA", tls.resolve(ca + ".crt").toString(),
                "-CAkey", tls.resolve(ca + ".key").toString(), "-set_serial", "4242", "-days", "30",
                "-out", cert.toString());
        Files.move(key, tls.resolve(name + ".key"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(cert, tls.resolve(name + ".crt"), StandardCopyOption.REPLACE_EXISTING);
        return serial(tls.resolve(name + ".crt"));
    }

    private static boolean isRenewed(BigInteger served, BigInteger original, BigInteger expiring) {
        return !served.equals(original) && !served.equals(expiring);
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError("openssl failed: " + String.join(" ", command) + "\n" + output);
        }
    }

    private static boolean portOpen(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(ADDRESS, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The serial of the certificate {@code port} shows a new connection. */
    private static BigInteger servedSerial(int port, ClientTls client) {
        try (SSLSocket socket = (SSLSocket) client.sslContext().getSocketFactory().createSocket(ADDRESS, port)) {
            socket.setSoTimeout(5000);
            if (port == CairnProcess.CLIENT_PORT) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setApplicationProtocols(new String[] {"h2"}); // gRPC's
                socket.setSSLParameters(parameters);
            }
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        } catch (IOException e) {
            throw new AssertionError("TLS handshake with " + ADDRESS + ":" + port + ": " + e, e);
        }
    }

    private static CairnCli.Result rotate(Path dataDir) {
        return CairnCli.run(COMMAND_TIMEOUT, "certificate", "rotate", "--data-dir", dataDir.toString());
    }

    private static Path onlyBackup(Path dataDir) throws IOException {
        try (Stream<Path> entries = Files.list(dataDir.resolve("server"))) {
            List<Path> backups = entries.filter(p -> p.getFileName().toString().matches("tls-\\d+"))
                    .collect(Collectors.toList());
            assertEquals("one backup directory: " + backups, 1, backups.size());
            return backups.get(0);
        }
    }

    private static BigInteger serial(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in))
                    .getSerialNumber();
        }
    }
}
