package dev.cairn.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class DataDirLockTest {

    private static final long TIMEOUT_MS = 20_000;

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void createsAMissingDataDirOwnerOnlyAndWritesThePid() throws Exception {
        Path dataDir = temp.getRoot().toPath().resolve("a/b/data");

        try (DataDirLock lock = DataDirLock.acquire(dataDir)) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)));
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(dataDir.resolve(".lock")));
        }
    }

    @Test
    public void secondProcessIsRefusedWithTheOwnersPid() throws Exception {
        Path dataDir = temp.getRoot().toPath().resolve("data");
        try (DataDirLock lock = DataDirLock.acquire(dataDir);
             ChildJvm second = ChildJvm.start(List.of(), LockHolder.class, dataDir.toString())) {

            String refused = second.awaitLine("refused", TIMEOUT_MS);

            assertEquals("refused: data dir " + dataDir + " is in use by another cairn process (pid "
                    + ProcessHandle.current().pid() + ")", refused);
            assertEquals(3, second.awaitExit(TIMEOUT_MS));
        }
    }

    @Test
    public void lockOfAKilledProcessIsReleasedByTheKernel() throws Exception {
        Path dataDir = temp.getRoot().toPath().resolve("data");
        try (ChildJvm holder = ChildJvm.start(List.of(), LockHolder.class, dataDir.toString())) {
            holder.awaitLine("locked", TIMEOUT_MS);
            try {
                DataDirLock.acquire(dataDir).close();
                fail("the lock is held by the child");
            } catch (SettingsException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().endsWith(
                        "is in use by another cairn process (pid " + holder.process().pid() + ")"));
            }

            holder.process().destroyForcibly(); // kill -9: no shutdown hook, no close()
            holder.awaitExit(TIMEOUT_MS);
        }
        try (DataDirLock lock = DataDirLock.acquire(dataDir)) {
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(dataDir.resolve(".lock")));
        }
    }

    @Test
    public void dataDirThatCannotBeADirectoryIsNotWritable() throws Exception {
        Path file = temp.newFile("plain-file").toPath();
        Path dataDir = file.resolve("data");
        try {
            DataDirLock.acquire(dataDir).close();
            fail("expected an error");
        } catch (SettingsException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("data dir " + dataDir + " is not writable: "));
            assertTrue(e.getMessage(), e.getMessage().endsWith(
                    "; choose another --data-dir or fix its permissions"));
        }
    }
}
