package dev.cairn.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import dev.cairn.itests.e2e.support.Await;
import dev.cairn.itests.e2e.support.CairnProcess;
import dev.cairn.itests.e2e.support.Etcdctl;
import dev.cairn.itests.e2e.support.EtcdctlResult;
import dev.cairn.itests.e2e.support.ManagedServer;
import dev.cairn.itests.e2e.support.ServerUnderTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Joining a cluster through {@code --server}: a server whose join must be refused exits non-zero within seconds
 * (it does not retry what cannot succeed) with a message naming what to fix, and the cluster's member list stays
 * as it was. Also: the full token from the founder's {@code <data-dir>/server/token} pins the cluster CA and
 * joins; and a server that already holds Raft data ignores {@code --cluster-init}, {@code --server} and
 * {@code --datastore-endpoint}, saying so once for each.
 *
 * <p>One founding server (127.0.0.16) lives for the whole class; refused joiners run on 127.0.0.18, the admitted
 * one on 127.0.0.17.
 */
public class ClusterJoinRefusalIT {

    private static final String TOKEN = "refusal-secret";
    private static final String FOUNDER_NAME = "refusal-s1";
    private static final String FOUNDER_ADDRESS = "127.0.0.16";
    private static final String ADMITTED_ADDRESS = "127.0.0.17";
    private static final String JOINER_ADDRESS = "127.0.0.18";
    /** Where a --server flag that must be ignored points: nothing listens there. */
    private static final String NOWHERE_URL = "https://127.0.0.19:6443";
    private static final String FOUNDER_URL = "https://" + FOUNDER_ADDRESS + ":6443";
    /** A refusal is an answer, not something to retry: well below the join's 60 s retry limit. */
    private static final Duration REFUSAL = Duration.ofSeconds(30);
    private static final Duration QUORUM = Duration.ofSeconds(60);
    private static final Pattern FULL_TOKEN = Pattern.compile("K10([0-9a-f]{64})::server:(.+)");

    private static CairnProcess founder;
    private static CairnProcess admitted;

    @BeforeClass
    public static void startFounder() {
        assumeTrue("Cairn's cluster join", ServerUnderTest.isCairn());
        founder = CairnProcess.create(FOUNDER_NAME, FOUNDER_ADDRESS, "--cluster-init", "--token", TOKEN,
                "--disable-apiserver");
        founder.start();
    }

    @AfterClass
    public static void stopServers() {
        try {
            if (admitted != null) {
                admitted.close();
            }
        } finally {
            if (founder != null) {
                founder.close();
            }
        }
    }

    /** A test that stopped the founder (the precedence rule) leaves it stopped; the next one starts it again. */
    @Before
    public void founderServes() {
        if (!founder.isRunning()) {
            founder.restart();
        }
        awaitReads(founder);
    }

    @Test
    public void mismatchedCriticalFlagsAreNamedInOneError() {
        assertRefused("refusal-flags", "critical configuration value mismatch between servers: --cluster-cidr (this "
                + "server 10.50.0.0/16, cluster 10.42.0.0/16), --secrets-encryption (this server true, cluster false)",
                "--server", FOUNDER_URL, "--token", TOKEN, "--cluster-cidr", "10.50.0.0/16", "--secrets-encryption");
    }

    @Test
    public void aWrongPasswordIsRefused() {
        assertRefused("refusal-password", "the token was refused by " + FOUNDER_URL,
                "--server", FOUNDER_URL, "--token", "not-" + TOKEN);
    }

    @Test
    public void aTokenPinningAnotherCaIsRefused() {
        String wrongHash = sha256("not the cluster CA".getBytes(StandardCharsets.UTF_8));
        assertRefused("refusal-cahash", "token CA hash does not match the Cluster CA certificate hash: " + wrongHash
                + " != " + clusterCaHash(),
                "--server", FOUNDER_URL, "--token", "K10" + wrongHash + "::server:" + TOKEN);
    }

    @Test
    public void theNodeNameOfAnotherMemberIsRefused() {
        // the launcher takes the last --node-name: the founder's, on another address
        assertRefused("refusal-name", "duplicate node name found, please use a unique name for this node",
                "--server", FOUNDER_URL, "--token", TOKEN, "--node-name", FOUNDER_NAME);
    }

    @Test
    public void joiningWithoutATokenIsRefused() {
        assertRefused("refusal-notoken", "token is required to join a cluster", "--server", FOUNDER_URL);
    }

    @Test
    public void theFullTokenFromTheTokenFileJoinsWithThePinnedCa() {
        String token = read(founder.dataDir().resolve("server/token")).strip();
        Matcher m = FULL_TOKEN.matcher(token);
        assertTrue("server/token holds a full token K10<hash>::server:<password>, not " + token.replaceAll(
                "::server:.*", "::server:<password>"), m.matches());
        assertEquals("the token's CA hash is the SHA-256 of the cluster CA", clusterCaHash(), m.group(1));
        assertEquals("the token carries the --token password", TOKEN, m.group(2));
        String before = members(founder);

        admitted = CairnProcess.create("refusal-admitted", ADMITTED_ADDRESS, "--server", FOUNDER_URL,
                "--token", token, "--disable-apiserver");
        admitted.start();
        Await.until("two started voters", QUORUM, () -> startedVoters(members(founder)) == 2,
                () -> "before: " + before + "\nnow: " + members(founder) + "\n" + admitted.logTail());
        String output = admitted.outputOfLastLaunch();
        assertTrue("the joiner pinned the cluster CA\n" + output, output.contains("cluster CA pinned"));
        assertFalse("a full token needs no warning about an unpinned CA\n" + output,
                output.contains("does not include a CA hash"));
    }

    @Test
    public void raftDataWinsOverClusterInitServerAndDatastoreEndpoint() {
        Etcdctl etcdctl = new Etcdctl(founder);
        etcdctl.run("put", "/refusal/precedence", "kept").requireSuccess();
        String before = members(founder);
        founder.stop(Duration.ofSeconds(30));

        // the founder's node and data directory, under a log name of its own
        CairnProcess restarted = CairnProcess.onDataDir("refusal-s1-precedence", FOUNDER_ADDRESS, founder.dataDir(),
                "--node-name", FOUNDER_NAME, "--cluster-init", "--server", NOWHERE_URL,
                "--datastore-endpoint", "sqlite:/x", "--token", TOKEN, "--disable-apiserver");
        try {
            restarted.start();
            awaitReads(restarted);
            EtcdctlResult get = new Etcdctl(restarted).run("get", "/refusal/precedence", "--print-value-only")
                    .requireSuccess();
            assertEquals("the key written before the restart\n" + restarted.logTail(), "kept", get.stdout().strip());
            assertEquals("member list", before, members(restarted));
            String output = restarted.outputOfLastLaunch();
            for (String flag : List.of("--cluster-init", "--server " + NOWHERE_URL, "--datastore-endpoint")) {
                assertEquals("lines 'flag ignored: " + flag + " ...'\n" + output, 1, output.lines()
                        .filter(line -> line.contains("flag ignored: " + flag)).count());
            }
            assertFalse("sqlite:/x was not created\n" + output, Files.exists(Path.of("/x")));
        } finally {
            restarted.close();
        }
    }

    /**
     * Runs a joiner that must be refused; checks it exits non-zero within {@link #REFUSAL} printing
     * {@code message}, and that the member list did not change.
     */
    private static void assertRefused(String name, String message, String... args) {
        String before = members(founder);
        CairnProcess joiner = CairnProcess.create(name, JOINER_ADDRESS, args);
        try {
            long begin = System.nanoTime();
            ManagedServer.Exit exit = joiner.runUntilExit(REFUSAL);
            long millis = (System.nanoTime() - begin) / 1_000_000;
            assertNotEquals("exit code of the refused join (after " + millis + " ms)\n" + exit.output(), 0,
                    exit.exitCode());
            assertTrue("the refused join says: " + message + "\n--- it printed ---\n" + exit.output(),
                    exit.output().contains(message));
            assertEquals("the error is printed once\n" + exit.output(), 1,
                    exit.output().lines().filter(line -> line.contains(message)).count());
        } finally {
            joiner.close();
        }
        assertEquals("member list after the refused join of " + name, before, members(founder));
    }

    /** The members part of {@code member list -w json} (the header's raft term may change on a restart). */
    private static String members(CairnProcess server) {
        String json = new Etcdctl(server).run("member", "list", "-w", "json").requireSuccess().stdout().strip();
        int members = json.indexOf("\"members\":");
        if (members < 0) {
            throw new AssertionError("no members in " + json);
        }
        return json.substring(members);
    }

    /** Members with a name (started) that are not learners, in a {@link #members} text. */
    private static long startedVoters(String members) {
        return Pattern.compile("\\{[^{}]*}").matcher(members).results().map(MatchResult::group)
                .filter(m -> m.matches(".*\"name\":\"[^\"]+\".*") && !m.contains("\"isLearner\":true")).count();
    }

    /** Waits until a server answers a linearizable read (it has a leader, after a restart of a member). */
    private static void awaitReads(CairnProcess server) {
        Etcdctl etcdctl = new Etcdctl(server);
        Await.until(server.name() + " to answer a linearizable read", QUORUM,
                () -> etcdctl.run("get", "/refusal/probe").succeeded(), server::logTail);
    }

    /** The hash a full token pins: SHA-256 of the exact bytes of the cluster's server CA bundle. */
    private static String clusterCaHash() {
        try {
            return sha256(Files.readAllBytes(founder.dataDir().resolve("server/tls/server-ca.crt")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
