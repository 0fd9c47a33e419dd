package dev.cairn.security.tls;

import static dev.cairn.security.tls.TlsFixture.NODE1;
import static dev.cairn.security.tls.TlsFixture.cert;
import static dev.cairn.security.tls.TlsFixture.ensure;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ServerCertificatesTest {

    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void createsEveryFileOfTheK3sLayout() throws Exception {
        Path dataDir = temp.getRoot().toPath();
        TlsLayout tls = ensure(dataDir, NODE1);

        Path dir = dataDir.resolve("server/tls");
        assertEquals(dir, tls.tlsDir());
        List<String> expected = List.of("etcd/server-ca", "etcd/peer-ca", "etcd/server-client",
                "etcd/peer-server-client", "etcd/client", "server-ca", "client-ca", "serving-kube-apiserver",
                "client-admin");
        Set<String> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
                    .collect(Collectors.toSet());
        }
        Set<String> wanted = new HashSet<>();
        for (String name : expected) {
            wanted.add(name + ".crt");
            wanted.add(name + ".key");
        }
        assertEquals(wanted, files);

        for (String name : expected) {
            Path key = dir.resolve(name + ".key");
            assertEquals(name, "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
            String pem = Files.readString(key, StandardCharsets.US_ASCII);
            assertTrue(name + " is unencrypted PKCS#8", pem.startsWith("-----BEGIN PRIVATE KEY-----\n"));
            assertEquals("EC", cert(dir.resolve(name + ".crt")).getPublicKey().getAlgorithm());
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("etcd"))));
    }

    @Test
    public void certificatesHaveTheirSubjectsUsagesAndIssuers() throws Exception {
        TlsLayout tls = ensure(temp.getRoot().toPath(), NODE1);

        X509Certificate etcdCa = cert(tls.etcdServerCa());
        X509Certificate peerCa = cert(tls.peerCa());
        X509Certificate serverCa = cert(tls.serverCa());
        X509Certificate clientCa = cert(tls.clientCa());
        for (X509Certificate ca : List.of(etcdCa, peerCa, serverCa, clientCa)) {
            assertTrue(ca.getBasicConstraints() >= 0);
            assertValidFor(ca, CertificateAuthority.CA_VALIDITY);
        }
        assertTrue(etcdCa.getSubjectX500Principal().getName().startsWith("CN=etcd-server-ca@"));
        assertTrue(peerCa.getSubjectX500Principal().getName().startsWith("CN=etcd-peer-ca@"));

        assertLeaf(tls.etcdServerCert(), etcdCa, "CN=etcd-server", SERVER_AUTH, CLIENT_AUTH);
        assertLeaf(tls.peerCert(), peerCa, "CN=etcd-peer", SERVER_AUTH, CLIENT_AUTH);
        assertLeaf(tls.etcdClientCert(), etcdCa, "CN=etcd-client", CLIENT_AUTH);
        assertLeaf(tls.servingCert(), serverCa, "CN=kube-apiserver", SERVER_AUTH);
        assertLeaf(tls.adminCert(), clientCa, "CN=system:admin,O=system:masters", CLIENT_AUTH);
    }

    @Test
    public void servingCertificatesCarryEveryNameAndAddressOfTheServer() throws Exception {
        TlsLayout tls = ensure(temp.getRoot().toPath(),
                new ServerIdentity("node1", "10.0.0.5", "127.0.0.9", List.of("cairn.example.com", "192.168.7.7",
                        "fd00::1")));

        Set<String> expectedDns = Set.of("node1", "localhost", "cairn.example.com");
        // the JDK prints IPv6 SANs uncompressed
        Set<String> expectedIps = Set.of("127.0.0.1", "0:0:0:0:0:0:0:1", "10.0.0.5", "127.0.0.9", "192.168.7.7",
                "fd00:0:0:0:0:0:0:1");
        for (Path file : List.of(tls.etcdServerCert(), tls.peerCert(), tls.servingCert())) {
            Map<Integer, Set<String>> sans = sans(cert(file));
            assertEquals(file.toString(), expectedDns, sans.get(2));
            assertEquals(file.toString(), expectedIps, sans.get(7));
        }
        assertEquals(null, cert(tls.etcdClientCert()).getSubjectAlternativeNames());
        assertEquals(null, cert(tls.adminCert()).getSubjectAlternativeNames());
    }

    @Test
    public void wildcardBindAddressIsNotASan() throws Exception {
        TlsLayout tls = ensure(temp.getRoot().toPath(), new ServerIdentity("node1", "", "0.0.0.0", List.of()));

        Map<Integer, Set<String>> sans = sans(cert(tls.etcdServerCert()));
        assertEquals(Set.of("127.0.0.1", "0:0:0:0:0:0:0:1"), sans.get(7));
        assertEquals(Set.of("node1", "localhost"), sans.get(2));
    }

    @Test
    public void secondActivationReusesEveryFile() throws Exception {
        Path dataDir = temp.getRoot().toPath();
        TlsLayout first = ensure(dataDir, NODE1);
        Map<Path, byte[]> before = contents(first.tlsDir());

        ensure(dataDir, NODE1);

        Map<Path, byte[]> after = contents(first.tlsDir());
        assertEquals(before.keySet(), after.keySet());
        for (Path file : before.keySet()) {
            assertArrayEquals(file.toString(), before.get(file), after.get(file));
        }
    }

    @Test
    public void newSanReissuesServingCertificatesAndKeepsTheCas() throws Exception {
        Path dataDir = temp.getRoot().toPath();
        TlsLayout tls = ensure(dataDir, NODE1);
        Map<Path, byte[]> before = contents(tls.tlsDir());

        List<String> sans = new ArrayList<>(NODE1.tlsSans());
        sans.add("new.example.com");
        ensure(dataDir, new ServerIdentity("node1", "10.0.0.6", "0.0.0.0", sans));

        Map<Path, byte[]> after = contents(tls.tlsDir());
        for (Path unchanged : List.of(tls.etcdServerCa(), tls.peerCa(), tls.serverCa(), tls.clientCa(),
                tls.etcdClientCert(), tls.adminCert())) {
            assertArrayEquals(unchanged.toString(), before.get(unchanged), after.get(unchanged));
        }
        for (Path changed : List.of(tls.etcdServerCert(), tls.etcdServerKey(), tls.peerCert(), tls.servingCert())) {
            assertFalse(changed.toString(), java.util.Arrays.equals(before.get(changed), after.get(changed)));
        }
        X509Certificate serving = cert(tls.etcdServerCert());
        assertTrue(sans(serving).get(2).contains("new.example.com"));
        assertTrue(sans(serving).get(7).contains("10.0.0.6"));
        serving.verify(cert(tls.etcdServerCa()).getPublicKey());
        cert(tls.peerCert()).verify(cert(tls.peerCa()).getPublicKey());
    }

    @Test
    public void certificateExpiringWithin90DaysIsReissuedFromTheSameCa() throws Exception {
        Path dataDir = temp.getRoot().toPath();
        Instant now = Instant.now();
        TlsLayout tls = ensure(dataDir, NODE1, now.minus(Duration.ofDays(300)));
        X509Certificate old = cert(tls.etcdClientCert());
        byte[] ca = Files.readAllBytes(tls.etcdServerCa());

        ensure(dataDir, NODE1, now);

        X509Certificate renewed = cert(tls.etcdClientCert());
        assertNotEquals(old.getSerialNumber(), renewed.getSerialNumber());
        assertTrue(renewed.getNotAfter().toInstant().isAfter(now.plus(Duration.ofDays(364))));
        assertArrayEquals(ca, Files.readAllBytes(tls.etcdServerCa()));
        renewed.verify(cert(tls.etcdServerCa()).getPublicKey());
    }

    @Test
    public void leafWhoseKeyDoesNotMatchIsReissued() throws Exception {
        Path dataDir = temp.getRoot().toPath();
        TlsLayout tls = ensure(dataDir, NODE1);
        Files.copy(tls.adminKey(), tls.etcdClientKey(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        ensure(dataDir, NODE1);

        assertTrue(EcKeys.matches(PemFiles.readPrivateKey(tls.etcdClientKey(), "test"),
                cert(tls.etcdClientCert()).getPublicKey()));
    }

    @Test
    public void corruptCaIsReportedByNameAndLeftAlone() throws Exception {
        Path dataDir = temp.getRoot().toPath();
        TlsLayout tls = ensure(dataDir, NODE1);
        Files.writeString(tls.peerCa(), "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");

        TlsFileException e = expectFailure(dataDir);

        assertEquals(tls.peerCa(), e.file());
        assertTrue(e.getMessage(), e.getMessage().contains(tls.peerCa().toString()));
        assertTrue(Files.readString(tls.peerCa()).contains("not base64"));
    }

    @Test
    public void emptyLeafCertificateIsReportedByName() throws Exception {
        Path dataDir = temp.getRoot().toPath();
        TlsLayout tls = ensure(dataDir, NODE1);
        Files.write(tls.servingCert(), new byte[0]);

        TlsFileException e = expectFailure(dataDir);

        assertEquals(tls.servingCert(), e.file());
        assertTrue(e.getMessage(), e.getMessage().contains("does not hold a PEM certificate"));
    }

    @Test
    public void missingCaKeyIsReportedNotReplaced() throws Exception {
        Path dataDir = temp.getRoot().toPath();
        TlsLayout tls = ensure(dataDir, NODE1);
        byte[] ca = Files.readAllBytes(tls.serverCa());
        Files.delete(tls.serverCaFiles().key());

        TlsFileException e = expectFailure(dataDir);

        assertEquals(tls.serverCaFiles().key(), e.file());
        assertArrayEquals(ca, Files.readAllBytes(tls.serverCa()));
    }

    @Test
    public void caKeyOfAnotherCaIsReported() throws Exception {
        Path dataDir = temp.getRoot().toPath();
        TlsLayout tls = ensure(dataDir, NODE1);
        Files.copy(tls.clientCaFiles().key(), tls.serverCaFiles().key(),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        TlsFileException e = expectFailure(dataDir);

        assertEquals(tls.serverCaFiles().key(), e.file());
        assertTrue(e.getMessage(), e.getMessage().contains("does not belong to the CA certificate"));
    }

    private TlsFileException expectFailure(Path dataDir) throws IOException {
        try {
            ensure(dataDir, NODE1);
        } catch (TlsFileException e) {
            return e;
        }
        fail("expected a TlsFileException");
        return null;
    }

    private static void assertLeaf(Path file, X509Certificate ca, String subject, String... usages) throws Exception {
        X509Certificate cert = cert(file);
        assertEquals(file.toString(), subject, cert.getSubjectX500Principal().getName());
        assertEquals(file.toString(), List.of(usages), cert.getExtendedKeyUsage());
        assertEquals(-1, cert.getBasicConstraints());
        assertEquals(ca.getSubjectX500Principal(), cert.getIssuerX500Principal());
        cert.verify(ca.getPublicKey());
        assertValidFor(cert, CertificateAuthority.LEAF_VALIDITY);
    }

    private static void assertValidFor(X509Certificate cert, Duration validity) {
        Duration actual = Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
        assertTrue(actual.toString(), actual.minus(validity).abs().compareTo(Duration.ofMinutes(10)) <= 0);
    }

    /** SANs by type (2 = DNS, 7 = IP), as the JDK reports them. */
    private static Map<Integer, Set<String>> sans(X509Certificate cert) throws Exception {
        Map<Integer, Set<String>> byType = new LinkedHashMap<>();
        for (List<?> entry : cert.getSubjectAlternativeNames()) {
            byType.computeIfAbsent((Integer) entry.get(0), t -> new HashSet<>()).add((String) entry.get(1));
        }
        return byType;
    }

    private static Map<Path, byte[]> contents(Path dir) throws IOException {
        Map<Path, byte[]> contents = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                contents.put(file, Files.readAllBytes(file));
            }
        }
        return contents;
    }
}
