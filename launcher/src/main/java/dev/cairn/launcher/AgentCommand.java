package dev.cairn.launcher;

import dev.cairn.security.api.JoinToken;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn agent}: a node without a datastore that joins a cluster and keeps its Node Ready (see
 * {@link Agent}). It runs in the launcher's JVM, without the OSGi framework: it needs none of the bundles, and
 * binding no port and loading no bundle is what lets several agents share a host.
 */
@Command(name = "agent", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Run a Cairn agent: join the cluster of --server, register this node and keep it Ready.",
                "All state is kept under --data-dir; no local port is bound, so several agents can run on one host."})
final class AgentCommand implements ServiceCommand {
    static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/cairn-agent");
    private static final Pattern NODE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final LauncherLog LOG = LauncherLog.of(AgentCommand.class);

    @Option(names = {"-s", "--server"}, paramLabel = "<url>", defaultValue = "${env:CAIRN_URL}",
            description = "The https:// URL of a server of the cluster (or a fixed registration address)"
                    + " [$CAIRN_URL].")
    String server;

    @Option(names = {"-t", "--token"}, paramLabel = "<token>", defaultValue = "${env:CAIRN_TOKEN}",
            description = "The cluster's token: the full token from <data-dir>/server/token of a server"
                    + " (pins the cluster CA), or its bare password [$CAIRN_TOKEN].")
    String token;

    @Option(names = "--token-file", paramLabel = "<file>", defaultValue = "${env:CAIRN_TOKEN_FILE}",
            description = "File holding the token; overrides --token [$CAIRN_TOKEN_FILE].")
    Path tokenFile;

    @Option(names = "--node-name", paramLabel = "<name>", description = "This node's name (default: the host name).")
    String nodeName;

    @Option(names = "--node-ip", paramLabel = "<ip>",
            description = "Address this node reports (default: the first non-loopback IPv4 address, else"
                    + " 127.0.0.1).")
    String nodeIp;

    @Option(names = {"-d", "--data-dir"}, paramLabel = "<dir>",
            description = "Directory holding all of this agent's state (default: /var/lib/cairn-agent).")
    Path dataDir = DEFAULT_DATA_DIR;

    @Option(names = "--debug", description = "Log at DEBUG level.")
    boolean debug;

    private final HostNetwork host;

    AgentCommand() {
        this(HostNetwork.LOCAL);
    }

    AgentCommand(HostNetwork host) {
        this.host = host;
    }

    @Override
    public int run(PrintStream out) throws StartupException {
        LauncherLog.setDebug(debug);
        Agent.Settings settings = settings();
        try (DataDirLock lock = DataDirLock.acquire(settings.dataDir())) {
            Agent agent = new Agent(settings);
            Thread hook = new Thread(() -> stopOnSignal(agent, out), "cairn-agent-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            LOG.info("starting agent node=" + settings.nodeName() + " node-ip=" + settings.nodeIp() + " server="
                    + settings.serverUrl() + " data-dir=" + settings.dataDir());
            try {
                agent.run();
            } finally {
                removeHook(hook);
            }
            return 0;
        } catch (SettingsException e) {
            throw new StartupException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** The agent ended on its own (a refused join): main decides the exit status, not the hook. */
    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // a signal arrived meanwhile: the hook exits 0
        }
    }

    /** SIGTERM or SIGINT: the heartbeat stops (a request in flight ends within its timeout) and the agent exits 0. */
    private static void stopOnSignal(Agent agent, PrintStream out) {
        agent.stop();
        try {
            if (!agent.awaitFinished(ServerProcess.STOP_TIMEOUT.minusSeconds(1))) {
                LOG.warn("agent did not stop within 4 s; exiting anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.flush();
        Runtime.getRuntime().halt(0);
    }

    /** The validated settings; each error names the flag to fix. */
    Agent.Settings settings() throws StartupException {
        String url = server == null ? "" : server.strip();
        if (url.isEmpty()) {
            throw new StartupException("--server is required: the https:// URL of a server of the cluster");
        }
        if (!url.startsWith("https://")) {
            throw new StartupException("--server " + url + ": must be an https:// URL such as"
                    + " https://10.0.0.1:6443");
        }
        url = url.replaceAll("/+$", "");
        String text = token == null ? "" : token.strip();
        if (tokenFile != null) {
            try {
                text = TokenFile.read(tokenFile, "--token-file");
            } catch (SettingsException e) {
                throw new StartupException(e.getMessage(), e);
            }
        }
        if (text.isEmpty()) {
            throw new StartupException(ClusterJoin.TOKEN_REQUIRED);
        }
        JoinToken parsed;
        try {
            parsed = JoinToken.parse(text);
        } catch (IllegalArgumentException e) {
            throw new StartupException("failed to validate token: " + e.getMessage());
        }
        String name = (nodeName == null || nodeName.isBlank() ? host.hostName() : nodeName.strip())
                .toLowerCase(Locale.ROOT);
        if (!NODE_NAME.matcher(name).matches()) {
            throw new StartupException("--node-name " + name + ": must be a node name (lowercase letters, digits,"
                    + " '-' and '.')");
        }
        String ip;
        if (nodeIp == null || nodeIp.isBlank()) {
            ip = host.firstNonLoopbackIpv4().orElse("127.0.0.1");
        } else {
            Optional<String> canonical = IpLiterals.canonicalIp(nodeIp.strip());
            if (canonical.isEmpty()) {
                throw new StartupException("--node-ip " + nodeIp + ": must be an IP address");
            }
            ip = canonical.get();
        }
        return new Agent.Settings(url, parsed, name, ip, dataDir.toAbsolutePath(), Agent.HEARTBEAT);
    }
}
