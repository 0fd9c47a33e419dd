package dev.cairn.apiserver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class AdminKubeconfigTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void writesA0600KubeconfigAndReplacesTheOldOne() throws Exception {
        Path dir = tmp.getRoot().toPath();
        Path ca = Files.writeString(dir.resolve("ca.crt"), "CA");
        Path cert = Files.writeString(dir.resolve("admin.crt"), "CERT");
        Path key = Files.writeString(dir.resolve("admin.key"), "KEY");
        Path file = dir.resolve("cairn.yaml");
        Files.writeString(file, "old");
        AdminKubeconfig.write(file, "https://127.0.0.1:6443", ca, cert, key);
        String text = Files.readString(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(text.contains("    server: https://127.0.0.1:6443\n"));
        assertTrue(text.contains("certificate-authority-data: " + Base64.getEncoder().encodeToString("CA".getBytes())));
        assertTrue(text.contains("client-certificate-data: " + Base64.getEncoder().encodeToString("CERT".getBytes())));
        assertTrue(text.contains("client-key-data: " + Base64.getEncoder().encodeToString("KEY".getBytes())));
        assertTrue(text.contains("current-context: default\n"));
        try (var files = Files.list(dir)) {
            assertEquals("no temporary file left", 4, files.count());
        }
    }
}
