package dev.cairn.datastore.selector;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.snapshot.SnapshotException;
import dev.cairn.datastore.snapshot.SnapshotFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class SnapshotDirectoryTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path dir;
    private SnapshotDirectory snapshots;

    @Before
    public void setUp() {
        dir = tmp.getRoot().toPath();
        snapshots = new SnapshotDirectory(dir, "s1");
    }

    private void file(String name) throws Exception {
        Files.writeString(dir.resolve(name), name);
    }

    private List<String> names() {
        return snapshots.list().stream().map(SnapshotFile::name).toList();
    }

    @Test
    public void namesAreK3sNamesAndNeverReuseAFile() throws Exception {
        Instant at = Instant.ofEpochSecond(1_765_000_000L);
        assertEquals("on-demand-s1-1765000000", snapshots.newName("on-demand", at));
        file("on-demand-s1-1765000000.zip");
        assertEquals("on-demand-s1-1765000001", snapshots.newName("on-demand", at));
    }

    @Test
    public void listIsOldestFirstWithoutWorkInProgress() throws Exception {
        file("etcd-snapshot-s1-1765000200");
        file("etcd-snapshot-s1-1765000100.zip");
        file(".etcd-snapshot-s1-1765000300.partial");
        file(".etcd-snapshot-12345.tmp");
        Files.createDirectory(dir.resolve("sub"));
        assertEquals(List.of("etcd-snapshot-s1-1765000100.zip", "etcd-snapshot-s1-1765000200"), names());
        SnapshotFile first = snapshots.list().get(0);
        assertEquals(Instant.ofEpochSecond(1_765_000_100L), first.createdAt());
        assertEquals(dir.resolve("etcd-snapshot-s1-1765000100.zip"), first.location());
    }

    @Test
    public void pruneKeepsTheNewestOfThisNodeAndNameOnly() throws Exception {
        for (int i = 1; i <= 4; i++) {
            file("etcd-snapshot-s1-176500000" + i);
        }
        file("etcd-snapshot-s10-1765000001"); // another node whose name starts like ours
        file("etcd-snapshot-s2-1765000001");
        file("on-demand-s1-1765000001");
        assertEquals(List.of("etcd-snapshot-s1-1765000001", "etcd-snapshot-s1-1765000002"),
                snapshots.prune("etcd-snapshot", 2));
        assertEquals(List.of("etcd-snapshot-s10-1765000001", "etcd-snapshot-s2-1765000001",
                "on-demand-s1-1765000001", "etcd-snapshot-s1-1765000003", "etcd-snapshot-s1-1765000004"),
                names().stream().sorted((a, b) -> a.endsWith("1") == b.endsWith("1") ? a.compareTo(b)
                        : a.endsWith("1") ? -1 : 1).toList());
        assertEquals(List.of(), snapshots.prune("etcd-snapshot", 0));
        assertEquals(List.of(), snapshots.prune("etcd-snapshot", 2));
    }

    @Test
    public void deleteRefusesEveryNameWhenOneIsMissing() throws Exception {
        file("on-demand-s1-1765000001");
        SnapshotException e = assertThrows(SnapshotException.class,
                () -> snapshots.delete(List.of("on-demand-s1-1765000001", "nope", "../etc")));
        assertTrue(e.getMessage(), e.getMessage().startsWith("no snapshot named nope, ../etc in " + dir));
        assertEquals(List.of("on-demand-s1-1765000001"), names());
        assertEquals(List.of("on-demand-s1-1765000001"), snapshots.delete(List.of("on-demand-s1-1765000001")));
        assertEquals(List.of(), names());
    }
}
