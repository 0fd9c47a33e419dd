package dev.cairn.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.Test;
import picocli.CommandLine;

/** {@code cairn agent}'s flags and their errors. */
public class AgentCommandTest {
    private static final String TOKEN = "K10" + "a".repeat(64) + "::server:pw";
    private static final HostNetwork HOST = new HostNetwork() {
        @Override
        public String hostName() {
            return "Host-1";
        }

        @Override
        public Optional<String> firstNonLoopbackIpv4() {
            return Optional.of("192.0.2.7");
        }
    };

    private static AgentCommand parse(String... args) {
        AgentCommand command = new AgentCommand(HOST);
        new CommandLine(command).parseArgs(args);
        return command;
    }

    private static String error(String... args) {
        try {
            parse(args).settings();
        } catch (StartupException e) {
            return e.getMessage();
        }
        fail("accepted");
        return null;
    }

    @Test
    public void defaultsComeFromTheHost() throws Exception {
        Agent.Settings settings = parse("--server", "https://10.0.0.1:6443/", "--token", TOKEN).settings();
        assertEquals("https://10.0.0.1:6443", settings.serverUrl());
        assertEquals("host-1", settings.nodeName());
        assertEquals("192.0.2.7", settings.nodeIp());
        assertEquals(AgentCommand.DEFAULT_DATA_DIR, settings.dataDir());
        assertEquals("node", AgentRegistration.NODE_USER);
        assertEquals("pw", settings.token().password());
        assertEquals(Agent.HEARTBEAT, settings.heartbeat());
    }

    @Test
    public void flagsWin() throws Exception {
        Agent.Settings settings = parse("-s", "https://10.0.0.1:6443", "-t", "pw", "--node-name", "agent1",
                "--node-ip", "127.0.0.21", "-d", "/tmp/a1").settings();
        assertEquals("agent1", settings.nodeName());
        assertEquals("127.0.0.21", settings.nodeIp());
        assertEquals("/tmp/a1", settings.dataDir().toString());
    }

    @Test
    public void badFlagsAreNamed() {
        assertEquals("--server is required: the https:// URL of a server of the cluster", error("--token", TOKEN));
        assertTrue(error("--server", "http://x:6443", "--token", TOKEN).startsWith("--server http://x:6443: must"));
        assertEquals(ClusterJoin.TOKEN_REQUIRED, error("--server", "https://x:6443"));
        assertEquals("failed to validate token: invalid token CA hash length",
                error("--server", "https://x:6443", "--token", "K10abc::server:pw"));
        assertTrue(error("--server", "https://x:6443", "--token", TOKEN, "--node-name", "a_b")
                .startsWith("--node-name a_b: must be a node name"));
        assertEquals("--node-ip 1.2.3: must be an IP address",
                error("--server", "https://x:6443", "--token", TOKEN, "--node-ip", "1.2.3"));
    }

    @Test
    public void theAgentIsACommandOfCairn() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.execute(new String[] {"agent", "--token", TOKEN}, Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                HostNetwork.LOCAL, settings -> 0);
        assertEquals(1, status);
        assertEquals("cairn: --server is required: the https:// URL of a server of the cluster\n",
                err.toString(StandardCharsets.UTF_8));
    }
}
