package dev.cairn.datastore.postgres;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.After;
import org.junit.Test;

/**
 * A server that cannot use its PostgreSQL stops at startup with a message that names the endpoint (never its
 * password) and says what is wrong: nothing listening, credentials refused, no such database, a schema written by a
 * newer release.
 */
public class OpenFailureTest {
    private static final PostgresEndpoint SERVER = PostgresEndpoint.parse(TestDatabase.URL);
    private String schema;

    @After
    public void dropSchema() throws Exception {
        if (schema != null) {
            TestDatabase.dropSchema(schema);
        }
    }

    private static IllegalStateException openFails(String endpoint) {
        return assertThrows(IllegalStateException.class,
                () -> PostgresDatastore.open(TestDatabase.settings(endpoint)).close());
    }

    private static void assertMessage(IllegalStateException e, String... parts) {
        String m = e.getMessage();
        for (String part : parts) {
            assertTrue("'" + part + "' in: " + m, m.contains(part));
        }
        assertFalse("no password in: " + m, m.contains("wrong-password")
                || (!SERVER.password().isEmpty() && m.contains(":" + SERVER.password() + "@")));
    }

    @Test
    public void nothingListeningIsNamedWithTheEndpoint() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // free once closed: connections to it are refused
        }
        String endpoint = "postgres://" + SERVER.user() + ":wrong-password@127.0.0.1:" + port + "/nowhere";
        assertMessage(openFails(endpoint), "cannot reach PostgreSQL at postgres://" + SERVER.user() + ":***@127.0.0.1:"
                + port + "/nowhere", "--datastore-endpoint");
    }

    @Test
    public void refusedCredentialsAreNamedWithTheUser() {
        String endpoint = "postgres://" + SERVER.user() + ":wrong-password@" + SERVER.hosts().get(0) + "/"
                + SERVER.database();
        assertMessage(openFails(endpoint), "refused the credentials of user '" + SERVER.user() + "'",
                ":***@" + SERVER.hosts().get(0));
    }

    @Test
    public void aMissingDatabaseIsNamed() {
        String endpoint = TestDatabase.URL.replace("/" + SERVER.database(), "/cairn_no_such_database");
        assertMessage(openFails(endpoint), "the database 'cairn_no_such_database' does not exist",
                "CREATE DATABASE \"cairn_no_such_database\"");
    }

    @Test
    public void aSchemaWrittenByANewerReleaseIsRefusedUntouched() throws Exception {
        schema = TestDatabase.freshSchema("newer");
        PostgresDatastore.open(TestDatabase.settings(TestDatabase.endpoint(schema))).close();
        TestDatabase.execute("UPDATE \"" + schema + "\".cairn_schema_version SET version = " + (Schema.VERSION + 1));
        assertMessage(openFails(TestDatabase.endpoint(schema)), "schema version " + (Schema.VERSION + 1),
                "newer than this release understands");
    }
}
