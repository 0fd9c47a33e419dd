package dev.cairn.launcher;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** {@code cairn certificate rotate} as typed: backup, leaves removed, CAs kept, refused while a server runs. */
public class CertificateRotateCommandTest {

    private static final List<String> CAS = List.of("etcd/server-ca", "etcd/peer-ca", "server-ca", "client-ca");
    private static final List<String> LEAVES = List.of("etcd/server-client", "etcd/peer-server-client",
            "etcd/client", "serving-kube-apiserver", "client-admin");

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    public void rotatesEveryLeafByDefaultAfterABackupAndKeepsTheCas() throws Exception {
        Path dataDir = dataDirWithCertificates();
        Path tls = dataDir.resolve("server/tls");

        assertEquals(err(), 0, run("certificate", "rotate", "--data-dir", dataDir.toString()));

        for (String leaf : LEAVES) {
            assertFalse(leaf, Files.exists(tls.resolve(leaf + ".crt")));
            assertFalse(leaf, Files.exists(tls.resolve(leaf + ".key")));
        }
        for (String ca : CAS) {
            assertEquals(ca, Files.readString(tls.resolve(ca + ".crt")));
        }
        Path backup = onlyBackup(dataDir);
        assertEquals(files(tls.resolveSibling("tls-original")), files(backup));
        assertArrayEquals(Files.readAllBytes(tls.resolveSibling("tls-original").resolve("etcd/client.key")),
                Files.readAllBytes(backup.resolve("etcd/client.key")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)));
        assertTrue(out(), out().contains("backed up " + tls + " to " + backup));
        assertTrue(out(), out().contains("removed etcd/server-client.crt etcd/server-client.key"));
        assertTrue(out(), out().contains("existing CAs"));
    }

    @Test
    public void serviceChoosesWhichLeavesAreRotated() throws Exception {
        Path dataDir = dataDirWithCertificates();
        Path tls = dataDir.resolve("server/tls");

        assertEquals(err(), 0, run("certificate", "rotate", "-d", dataDir.toString(), "--service", "admin,api-server"));

        assertFalse(Files.exists(tls.resolve("client-admin.crt")));
        assertFalse(Files.exists(tls.resolve("serving-kube-apiserver.key")));
        assertTrue(Files.exists(tls.resolve("etcd/server-client.crt")));
        assertTrue(Files.exists(tls.resolve("etcd/client.key")));
    }

    @Test
    public void refusedWhileAServerHoldsTheDataDirAndNothingIsTouched() throws Exception {
        Path dataDir = dataDirWithCertificates();
        try (DataDirLock server = DataDirLock.acquire(dataDir)) {
            assertEquals(1, run("certificate", "rotate", "--data-dir", dataDir.toString()));
        }
        assertTrue(err(), err().startsWith("cairn: not rotating certificates: data dir " + dataDir
                + " is in use by another cairn process (pid " + ProcessHandle.current().pid() + "); stop the server"));
        for (String leaf : LEAVES) {
            assertTrue(leaf, Files.exists(dataDir.resolve("server/tls/" + leaf + ".crt")));
        }
        try (Stream<Path> entries = Files.list(dataDir.resolve("server"))) {
            assertEquals(List.of("tls", "tls-original"), entries.map(p -> p.getFileName().toString()).sorted()
                    .collect(Collectors.toList()));
        }
    }

    @Test
    public void unknownServiceAndMissingCertificatesAreRefused() throws Exception {
        Path dataDir = dataDirWithCertificates();
        assertEquals(1, run("certificate", "rotate", "-d", dataDir.toString(), "--service", "kubelet"));
        assertEquals("cairn: unknown service 'kubelet'; choose from admin, api-server, etcd\n", err());
        err.reset();

        Path empty = temp.newFolder("empty").toPath();
        assertEquals(1, run("certificate", "rotate", "-d", empty.toString()));
        assertTrue(err(), err().startsWith("cairn: no certificates in " + empty.resolve("server/tls")));
    }

    @Test
    public void certificateAloneListsItsCommands() {
        assertEquals(0, run("certificate"));
        assertTrue(out(), out().contains("rotate"));
        out.reset();
        assertEquals(0, run("certificate", "rotate", "--help"));
        assertTrue(out(), out().contains("--service"));
    }

    /** A data dir with every file of the TLS layout (fake PEM content), and a pristine copy in tls-original. */
    private Path dataDirWithCertificates() throws Exception {
        Path dataDir = temp.newFolder("data").toPath();
        Path tls = dataDir.resolve("server/tls");
        Files.createDirectories(tls.resolve("etcd"));
        Files.setPosixFilePermissions(tls, PosixFilePermissions.fromString("rwx------"));
        for (String name : Stream.concat(CAS.stream(), LEAVES.stream()).collect(Collectors.toList())) {
            Files.writeString(tls.resolve(name + ".crt"), name);
            Files.writeString(tls.resolve(name + ".key"), name + " key");
        }
        FileTree.copy(tls, tls.resolveSibling("tls-original"));
        return dataDir;
    }

    private static Path onlyBackup(Path dataDir) throws Exception {
        try (Stream<Path> entries = Files.list(dataDir.resolve("server"))) {
            List<Path> backups = entries.filter(p -> p.getFileName().toString().matches("tls-\\d+"))
                    .collect(Collectors.toList());
            assertEquals(1, backups.size());
            return backups.get(0);
        }
    }

    private static List<String> files(Path dir) throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted()
                    .collect(Collectors.toList());
        }
    }

    private int run(String... args) {
        return Main.execute(args, Map.of(), new PrintStream(out, true), new PrintStream(err, true),
                FixedHost.WITH_IP, settings -> {
                    throw new AssertionError("certificate rotate never runs a server");
                });
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
