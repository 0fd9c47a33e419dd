package dev.cairn.apiserver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.google.gson.JsonObject;
import dev.cairn.datastore.spi.BackendSettings;
import dev.cairn.datastore.sqlite.SqliteDatastore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** K3s's node password rule: trust on first use, then the same password or 403. */
public class NodePasswordsTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private SqliteDatastore datastore;
    private ObjectStore store;
    private NodePasswords passwords;

    @Before
    public void open() {
        datastore = SqliteDatastore.open(new BackendSettings(tmp.getRoot().toPath(), "", "node-1", List.of(),
                List.of(), 0, Duration.ZERO, Map.of()));
        store = new ObjectStore(datastore, Clock.systemUTC());
        DefaultNamespaces.ensure(store);
        passwords = new NodePasswords(store, 4);
    }

    @After
    public void close() {
        datastore.close();
    }

    @Test
    public void firstUseStoresAnImmutableSecretWithTheHashOnly() {
        passwords.verify("agent1", "0123abcd");
        JsonObject secret = store.get(ResourceType.SECRETS, "kube-system", "agent1.node-password.cairn");
        assertEquals("cairn.io/node-password", secret.get("type").getAsString());
        assertTrue(secret.get("immutable").getAsBoolean());
        assertFalse(secret.toString().contains("0123abcd"));
    }

    @Test
    public void theSamePasswordPassesAndAnotherIsRefused() {
        passwords.verify("agent1", "right");
        passwords.verify("agent1", "right");
        try {
            passwords.verify("agent1", "wrong");
            fail("a different password passed");
        } catch (SupervisorError e) {
            assertEquals(403, e.code());
            assertEquals("unable to verify password for node agent1: hash does not match", e.getMessage());
        }
        passwords.verify("agent2", "wrong"); // each name has its own password
    }

    @Test
    public void hashesAreSaltedScryptInK3sFormat() {
        String a = passwords.hash("pw");
        String b = passwords.hash("pw");
        assertFalse(a.equals(b));
        assertTrue(a, a.matches("\\$1:[0-9a-f]{16}:4:8:1:[A-Za-z0-9+/]+"));
        assertTrue(NodePasswords.matches(a, "pw"));
        assertFalse(NodePasswords.matches(a, "pW"));
    }

    @Test
    public void aDamagedHashRefusesEveryone() {
        assertFalse(NodePasswords.matches("", "pw"));
        assertFalse(NodePasswords.matches("$1:zz:4:8:1:AAAA", "pw"));
        assertFalse(NodePasswords.matches("$1:00:40:8:1:AAAA", "pw"));
        assertFalse(NodePasswords.matches("$2:00:4:8:1:AAAA", "pw"));
    }
}
