package dev.cairn.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class TombstoneTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void withServerTheRemovedStoreIsMovedAsideToJoinAgain() throws Exception {
        ServerSettings settings = settings("https://10.0.0.1:6443");
        Path etcd = settings.serverDir().resolve("db/etcd");
        Files.createDirectories(etcd.resolve("raft/group"));
        Files.writeString(Tombstone.file(settings), "s3\n");
        Tombstone.clearForRejoin(settings);
        assertFalse(Files.exists(etcd));
        try (var entries = Files.list(settings.serverDir().resolve("db"))) {
            Path backup = entries.filter(p -> p.getFileName().toString().startsWith("etcd-backup-")).findFirst()
                    .orElseThrow();
            assertTrue(Files.isDirectory(backup.resolve("raft/group")));
        }
    }

    @Test
    public void withoutServerTheStartIsRefusedAndNothingMoves() throws Exception {
        ServerSettings settings = settings(null);
        Path etcd = settings.serverDir().resolve("db/etcd");
        Files.createDirectories(etcd);
        Files.writeString(Tombstone.file(settings), "s3\n");
        try {
            Tombstone.clearForRejoin(settings);
            fail("refused");
        } catch (StartupException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith(
                    "tombstone file has been detected but --server is empty: backup and delete "));
        }
        assertTrue(Files.exists(Tombstone.file(settings)));
    }

    @Test
    public void noTombstoneChangesNothing() throws Exception {
        ServerSettings settings = settings(null);
        Tombstone.clearForRejoin(settings);
        assertEquals(0, tmp.getRoot().list().length);
    }

    private ServerSettings settings(String server) throws SettingsException {
        Map<Flag, List<String>> cli = new EnumMap<>(Flag.class);
        cli.put(Flag.DATA_DIR, List.of(tmp.getRoot().toString()));
        if (server != null) {
            cli.put(Flag.SERVER, List.of(server));
            cli.put(Flag.TOKEN, List.of("secret"));
        }
        return new SettingsSources(cli, Map.of(), ConfigFile.none(Path.of("/none.yaml"))).resolve(FixedHost.WITH_IP);
    }
}
