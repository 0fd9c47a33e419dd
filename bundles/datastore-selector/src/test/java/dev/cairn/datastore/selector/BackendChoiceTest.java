package dev.cairn.datastore.selector;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class BackendChoiceTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private BackendChoice decide(String endpoint, boolean init, String server, boolean reset) {
        return BackendChoice.decide(new BackendChoice.Request(tmp.getRoot().toPath(), endpoint, init, server,
                !server.isEmpty(), reset));
    }

    private void initializeEmbeddedEtcd() throws Exception {
        Path raft = BackendChoice.etcdDir(tmp.getRoot().toPath()).resolve("raft");
        Files.createDirectories(raft.resolve("some-group"));
    }

    @Test
    public void nothingSetIsSqlite() {
        BackendChoice c = decide("", false, "", false);
        assertEquals("sqlite", c.type());
        assertTrue(c.ignored().isEmpty());
    }

    @Test
    public void endpointNamesTheType() {
        BackendChoice c = decide("postgres://u:pw@db/cairn", true, "", false);
        assertEquals("postgres", c.type());
        assertEquals("postgres://u:pw@db/cairn", c.endpoint());
    }

    @Test
    public void aPostgresqlEndpointSelectsThePostgresBackend() {
        BackendChoice c = decide("postgresql://u:pw@db:5432/cairn", false, "", false);
        assertEquals("postgres", c.type());
        assertEquals("postgresql://u:pw@db:5432/cairn", c.endpoint());
        assertEquals("postgres", decide("PostgreSQL://db/cairn", false, "", false).type());
    }

    @Test
    public void anHttpsOrHttpEndpointSelectsTheExternalEtcd() {
        BackendChoice c = decide("https://10.0.0.5:2379,https://10.0.0.6:2379", false, "", false);
        assertEquals("etcd", c.type());
        assertEquals("https://10.0.0.5:2379,https://10.0.0.6:2379", c.endpoint());
        assertEquals("etcd", decide("HTTP://127.0.0.1:2379", false, "", false).type());
    }

    @Test
    public void anInitializedEmbeddedEtcdWinsOverAnExternalEtcdEndpoint() throws Exception {
        Files.createDirectories(BackendChoice.etcdDir(tmp.getRoot().toPath()).resolve("raft").resolve("group"));
        BackendChoice c = decide("https://10.0.0.5:2379", false, "", false);
        assertEquals("raft", c.type());
        assertEquals(List.of("--datastore-endpoint https://10.0.0.5:2379 (an initialized embedded etcd exists in "
                + BackendChoice.etcdDir(tmp.getRoot().toPath()) + ")"), c.ignored());
    }

    @Test
    public void serverJoinsTheEmbeddedEtcd() {
        BackendChoice c = decide("", false, "https://10.0.0.1:6443", false);
        assertEquals("raft", c.type());
        assertEquals("true", c.options().get("raft.join"));
    }

    @Test
    public void clusterInitFoundsTheEmbeddedEtcd() {
        BackendChoice c = decide("", true, "", false);
        assertEquals("raft", c.type());
        assertTrue(c.options().isEmpty());
    }

    @Test
    public void anEmptyRaftDirectoryIsNotAnInitializedStore() throws Exception {
        Files.createDirectories(BackendChoice.etcdDir(tmp.getRoot().toPath()).resolve("raft"));
        assertEquals("sqlite", decide("", false, "", false).type());
    }

    @Test
    public void anInitializedEmbeddedEtcdWinsAndNamesEveryIgnoredFlag() throws Exception {
        initializeEmbeddedEtcd();
        BackendChoice c = decide("postgres://u:secret@db/cairn", true, "https://10.0.0.1:6443", false);
        assertEquals("raft", c.type());
        assertTrue(c.options().isEmpty());
        List<String> ignored = c.ignored();
        assertEquals(3, ignored.size());
        assertTrue(ignored.get(0).startsWith("--cluster-init"));
        assertTrue(ignored.get(1).startsWith("--server https://10.0.0.1:6443"));
        assertTrue(ignored.get(2).startsWith("--datastore-endpoint postgres://***@db/cairn"));
        assertTrue("the password never reaches the log", ignored.stream().noneMatch(s -> s.contains("secret")));
    }

    @Test
    public void anInitializedEmbeddedEtcdAloneIgnoresNothing() throws Exception {
        initializeEmbeddedEtcd();
        BackendChoice c = decide("", false, "", false);
        assertEquals("raft", c.type());
        assertTrue(c.ignored().isEmpty());
    }

    @Test(expected = IllegalArgumentException.class)
    public void anEndpointWithoutTypeIsRefused() {
        decide("just-a-host", false, "", false);
    }

    @Test
    public void clusterInitOnASqliteServerConvertsItsStore() throws Exception {
        Path sqlite = BackendChoice.sqliteStore(tmp.getRoot().toPath());
        Files.createDirectories(sqlite.getParent());
        Files.createFile(sqlite);
        BackendChoice c = decide("", true, "", false);
        assertEquals("raft", c.type());
        assertTrue(c.converts());
        assertEquals(sqlite.toString(), c.options().get(BackendChoice.CONVERT_FROM));
        assertEquals("without --cluster-init SQLite stays", "sqlite", decide("", false, "", false).type());
    }

    @Test
    public void aConvertedStoreWhoseSqliteFileWasNotRenamedYetIsRetiredOnTheNextStart() throws Exception {
        Path sqlite = BackendChoice.sqliteStore(tmp.getRoot().toPath());
        Files.createDirectories(sqlite.getParent());
        Files.createFile(sqlite);
        initializeEmbeddedEtcd();
        assertTrue("no marker: not converted from it", !decide("", false, "", false).converts());
        Files.writeString(BackendChoice.etcdDir(tmp.getRoot().toPath()).resolve("converted-from"), sqlite + "\n");
        assertTrue(decide("", false, "", false).converts());
    }
}
