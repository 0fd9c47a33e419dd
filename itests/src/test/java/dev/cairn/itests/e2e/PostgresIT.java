package dev.cairn.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import dev.cairn.itests.e2e.support.Await;
import dev.cairn.itests.e2e.support.BackgroundEtcdctl;
import dev.cairn.itests.e2e.support.CairnProcess;
import dev.cairn.itests.e2e.support.Etcdctl;
import dev.cairn.itests.e2e.support.EtcdctlResult;
import dev.cairn.itests.e2e.support.ManagedServer;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The real distribution on PostgreSQL, the way K3s servers share an external datastore: two servers (127.0.0.101
 * and 127.0.0.102) start with {@code --datastore-endpoint postgres://...} on one fresh database of the local
 * PostgreSQL server ({@code scripts/test-postgres} starts it; {@code CAIRN_POSTGRES_URL} or
 * {@code -Dcairn.postgres.url} names another). What etcdctl writes through one is read and watched through the
 * other, a lease expires once though both servers expire leases, a restart keeps the data, and a wrong password
 * stops a third server (127.0.0.103) with a message naming the endpoint without the password.
 */
public class PostgresIT {
    private static final String FIRST_ADDRESS = "127.0.0.101";
    private static final String SECOND_ADDRESS = "127.0.0.102";
    private static final String REFUSED_ADDRESS = "127.0.0.103";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static URI server;
    private static String database;
    private static String endpoint;
    private static CairnProcess first;
    private static CairnProcess second;
    private static Etcdctl viaFirst;
    private static Etcdctl viaSecond;

    @BeforeClass
    public static void startTwoServersOnOneDatabase() throws SQLException {
        server = URI.create(postgresUrl());
        database = "cairn_it_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        execute("CREATE DATABASE " + database);
        endpoint = server.getScheme() + "://" + server.getRawUserInfo() + "@" + server.getHost() + ":"
                + port() + "/" + database;
        first = onTheDatabase("pg-first", FIRST_ADDRESS, endpoint);
        second = onTheDatabase("pg-second", SECOND_ADDRESS, endpoint);
        first.start();
        second.start();
        viaFirst = new Etcdctl(first);
        viaSecond = new Etcdctl(second);
    }

    @AfterClass
    public static void stopServersAndDropTheDatabase() throws SQLException {
        try {
            for (ManagedServer s : new ManagedServer[] {first, second}) {
                if (s != null) {
                    s.close();
                }
            }
        } finally {
            if (database != null) {
                execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    private static CairnProcess onTheDatabase(String name, String address, String datastoreEndpoint) {
        return CairnProcess.create(name, address, "--datastore-endpoint", datastoreEndpoint, "--disable-apiserver");
    }

    /** The same resolution as datastore-postgres' tests: property, environment, then scripts/test-postgres's. */
    private static String postgresUrl() {
        String property = System.getProperty("cairn.postgres.url", "");
        if (!property.isBlank()) {
            return property.trim();
        }
        String env = System.getenv("CAIRN_POSTGRES_URL");
        return env == null || env.isBlank() ? "postgres://cairn:cairn@127.0.0.1:5432/cairn_test" : env.trim();
    }

    private static int port() {
        return server.getPort() > 0 ? server.getPort() : 5432;
    }

    /** Runs one statement on the test server's own database, as its role (which may create databases). */
    private static void execute(String sql) throws SQLException {
        String[] credentials = server.getUserInfo().split(":", 2);
        Properties p = new Properties();
        p.setProperty("user", credentials[0]);
        p.setProperty("password", credentials.length > 1 ? credentials[1] : "");
        String jdbc = "jdbc:postgresql://" + server.getHost() + ":" + port() + server.getPath();
        try (Connection c = new org.postgresql.Driver().connect(jdbc, p); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new SQLException("PostgresIT needs the PostgreSQL server of " + jdbc + " (scripts/test-postgres"
                    + " starts it): " + e.getMessage(), e);
        }
    }

    private static long revision(EtcdctlResult json) {
        Matcher m = Pattern.compile("\"revision\":(\\d+)").matcher(json.stdout());
        assertTrue("a header revision in " + json.stdout(), m.find());
        return Long.parseLong(m.group(1));
    }

    private static long nextRevision(Etcdctl via) {
        return revision(via.run("get", "/pg/none", "-w", "json").requireSuccess()) + 1;
    }

    @Test
    public void bothServersServeFromPostgres() {
        for (CairnProcess s : new CairnProcess[] {first, second}) {
            assertTrue("the server log names the backend: " + s.logTail(),
                    s.outputOfLastLaunch().contains("datastore active type=postgres"));
        }
    }

    @Test
    public void aKeyWrittenThroughOneServerIsReadThroughTheOther() {
        long written = revision(viaFirst.run("put", "/pg/a", "through-the-first", "-w", "json").requireSuccess());
        EtcdctlResult got = viaSecond.run("get", "/pg/a", "-w", "json").requireSuccess();
        assertTrue(got.stdout(), got.stdout().contains("\"mod_revision\":" + written));
        assertEquals("through-the-first",
                viaSecond.run("get", "/pg/a", "--print-value-only").requireSuccess().stdout().trim());
        viaSecond.run("put", "/pg/b", "through-the-second").requireSuccess();
        assertEquals("through-the-second",
                viaFirst.run("get", "/pg/b", "--print-value-only").requireSuccess().stdout().trim());
    }

    @Test
    public void aWatchOnOneServerSeesTheOthersWrites() {
        long next = nextRevision(viaSecond);
        try (BackgroundEtcdctl watch = viaSecond.start("watch", "/pg/w", "--rev", Long.toString(next))) {
            viaFirst.run("put", "/pg/w", "written-through-the-first").requireSuccess();
            assertTrue("the watch on the second server saw the first's put: " + watch.stdout(),
                    watch.awaitStdout(WAIT, out -> out.contains("written-through-the-first")));
            viaFirst.run("del", "/pg/w").requireSuccess();
            assertTrue("and its delete: " + watch.stdout(), watch.awaitStdout(WAIT, out -> out.contains("DELETE")));
        }
    }

    /** Both servers expire leases; the lease's keys are deleted once, as one revision. */
    @Test
    public void aLeaseExpiresOnceThoughBothServersExpireLeases() {
        Matcher granted = Pattern.compile("lease ([0-9a-f]+) granted").matcher(
                viaFirst.run("lease", "grant", "2").requireSuccess().stdout());
        assertTrue(granted.find());
        String lease = granted.group(1);
        long next = nextRevision(viaSecond);
        try (BackgroundEtcdctl watch = viaSecond.start("watch", "--prefix", "/pg/lease/", "--rev",
                Long.toString(next))) {
            viaFirst.run("put", "/pg/lease/a", "1", "--lease", lease).requireSuccess();
            viaSecond.run("put", "/pg/lease/b", "1", "--lease", lease).requireSuccess();
            assertTrue("the keys were deleted when the lease expired: " + watch.stdout(),
                    watch.awaitStdout(WAIT, out -> count(out, "DELETE") >= 2));
            viaSecond.run("put", "/pg/lease/marker", "after-expiry").requireSuccess();
            assertTrue(watch.stdout(), watch.awaitStdout(WAIT, out -> out.contains("after-expiry")));
            assertEquals("each key deleted once: " + watch.stdout(), 2, count(watch.stdout(), "DELETE"));
        }
        String ttl = viaSecond.run("lease", "timetolive", lease).requireSuccess().stdout();
        assertTrue(ttl, ttl.contains("already expired"));
    }

    private static int count(String text, String word) {
        int n = 0;
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    public void aRestartKeepsTheData() {
        long written = revision(viaFirst.run("put", "/pg/kept", "across-restarts", "-w", "json").requireSuccess());
        first.stop(Duration.ofSeconds(10));
        second.stop(Duration.ofSeconds(10));
        first.restart();
        assertEquals("across-restarts",
                viaFirst.run("get", "/pg/kept", "--print-value-only").requireSuccess().stdout().trim());
        long after = revision(viaFirst.run("put", "/pg/after-restart", "1", "-w", "json").requireSuccess());
        assertEquals("the revision goes on from where it was", written + 1, after);
        second.restart();
        Await.until("the restarted second server reads the first's write", WAIT, () -> viaSecond
                .run("get", "/pg/after-restart", "--print-value-only").stdout().trim().equals("1"), second::logTail);
    }

    @Test
    public void aWrongPasswordStopsTheServerNamingTheEndpointButNotThePassword() {
        String wrong = server.getScheme() + "://" + server.getUserInfo().split(":", 2)[0] + ":not-the-password@"
                + server.getHost() + ":" + port() + "/" + database;
        try (CairnProcess refused = onTheDatabase("pg-refused", REFUSED_ADDRESS, wrong)) {
            ManagedServer.Exit exit = refused.runUntilExit(Duration.ofSeconds(60));
            assertNotEquals("the server must not start: " + exit.output(), 0, exit.exitCode());
            assertTrue(exit.output(), exit.output().contains("refused the credentials of user"));
            assertTrue(exit.output(), exit.output().contains(":***@" + server.getHost() + ":" + port() + "/"
                    + database));
            assertFalse(exit.output(), exit.output().contains("not-the-password"));
        }
    }
}
