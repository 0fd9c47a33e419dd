package dev.cairn.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The node password file: 16 random bytes in hex, created once, owner-only. */
public class AgentFilesTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void theNodePasswordIsCreatedOnceOwnerOnly() throws Exception {
        AgentFiles files = new AgentFiles(tmp.getRoot().toPath());
        files.createDir();
        String password = files.nodePasswordOrCreate();
        assertTrue(password, password.matches("[0-9a-f]{32}"));
        assertEquals(password, files.nodePasswordOrCreate());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.nodePassword())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.dir())));
        assertEquals(tmp.getRoot().toPath().resolve("agent/node-password"), files.nodePassword());
    }

    @Test
    public void twoAgentsGetDifferentPasswords() throws Exception {
        AgentFiles a = new AgentFiles(tmp.newFolder("a").toPath());
        AgentFiles b = new AgentFiles(tmp.newFolder("b").toPath());
        a.createDir();
        b.createDir();
        assertTrue(!a.nodePasswordOrCreate().equals(b.nodePasswordOrCreate()));
    }

    @Test(expected = java.io.IOException.class)
    public void anEmptyPasswordFileIsAnErrorNotANewPassword() throws Exception {
        AgentFiles files = new AgentFiles(tmp.getRoot().toPath());
        files.createDir();
        Files.writeString(files.nodePassword(), "\n");
        files.nodePasswordOrCreate();
    }
}
