package dev.cairn.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

/**
 * {@code cairn install}: copies the running distribution to the prefix, writes the systemd unit, its environment
 * file and a starter config file. Existing env and config files are kept unless --force; on the real root it reloads
 * systemd and (with --now) enables and starts the unit, anywhere else it leaves systemctl alone.
 */
@Command(name = "install", sortOptions = false, mixinStandardHelpOptions = true,
        customSynopsis = "cairn install [--root=<dir>] [--prefix=<dir>] [--agent] [-d=<dir>] [--force] [--now] "
                + "[-- <server flag>...]",
        description = {"Install this distribution as a systemd service (cairn, or cairn-agent with --agent).",
                "Copies it to --prefix and writes /etc/systemd/system/cairn.service, /etc/cairn/cairn.env (mode 0600) "
                        + "with the flags given after --, and a starter /etc/cairn/config.yaml.",
                "An existing env or config file is kept unless --force. Nothing is enabled or started without --now."},
        footer = {"%nExample: cairn install -- --node-ip 10.0.0.11 --tls-san cairn.example.com",
                "--agent writes cairn-agent.service running 'cairn agent', a command this release does not have yet: "
                        + "the unit is valid but fails to start until a release with agents is installed."})
final class InstallCommand implements ServiceCommand {

    @Option(names = "--root", paramLabel = "<dir>",
            description = "Install into this directory instead of / (an image or chroot); systemctl is not run then.")
    Path root = InstallLayout.SYSTEM_ROOT;

    @Option(names = "--prefix", paramLabel = "<dir>",
            description = "Where the distribution goes (default: /opt/cairn).")
    Path prefix = InstallLayout.DEFAULT_PREFIX;

    @Option(names = "--agent", description = "Install the agent unit cairn-agent.service instead of cairn.service.")
    boolean agent;

    @Option(names = {"-d", "--data-dir"}, paramLabel = "<dir>",
            description = "The server's data dir, written to the env file as CAIRN_DATA_DIR (default: /var/lib/cairn).")
    String dataDir;

    @Option(names = "--force", description = "Replace an existing env file and config file.")
    boolean force;

    @Option(names = "--now", description = "Also enable and start the unit (needs systemd running here and --root /).")
    boolean now;

    @Parameters(paramLabel = "<server flag>",
            description = "After --: flags of 'cairn server', stored as CAIRN_* variables in the env file.")
    List<String> serverFlags = new ArrayList<>();

    @Override
    public int run(PrintStream out) throws InstallException, StartupException {
        return install(ServerProcess.cairnHome(), Systemctl.LOCAL, out);
    }

    int install(Path source, Systemctl systemctl, PrintStream out) throws InstallException {
        InstallLayout layout = InstallLayout.of(root, prefix, agent);
        boolean useSystemd = layout.isSystemRoot() && systemctl.available();
        if (now && !useSystemd) {
            throw new InstallException("--now needs systemd running on this machine and --root /; install without "
                    + "--now and start " + layout.unitName() + " on the target system");
        }
        if (!Files.isDirectory(layout.root())) {
            throw new InstallException("--root " + root + " is not a directory");
        }
        String environment = EnvironmentFile.render(layout, flags(layout));

        Path target = layout.underRoot(layout.prefix());
        if (Distribution.same(source, target)) {
            out.println("kept " + target + ": it is the distribution running this install");
        } else {
            Distribution.install(source.toAbsolutePath().normalize(), target);
            out.println("installed " + target + " (from " + source + ")");
        }
        InstalledFile.write(layout.underRoot(layout.unitFile()), SystemdUnit.render(layout),
                InstalledFile.WORLD_READABLE);
        out.println("wrote " + layout.underRoot(layout.unitFile()));
        boolean envWritten = writeUnlessKept(layout.underRoot(layout.envFile()), environment,
                InstalledFile.OWNER_ONLY, out);
        if (!envWritten && (dataDir != null || !serverFlags.isEmpty())) {
            out.println("note: the flags given were not written to " + layout.envFile() + "; add --force to "
                    + "replace it, or edit it");
        }
        writeUnlessKept(layout.underRoot(layout.configFile()), starterConfig(source), InstalledFile.WORLD_READABLE,
                out);
        if (agent) {
            out.println("note: 'cairn agent' does not exist in this release; " + layout.unitName()
                    + " will fail to start until a release with agents is installed");
        }
        startOrExplain(layout, useSystemd, systemctl, out);
        return 0;
    }

    /** The flags after --, checked against 'cairn server', plus --data-dir. */
    private Map<Flag, List<String>> flags(InstallLayout layout) throws InstallException {
        if (layout.agent() && !serverFlags.isEmpty()) {
            throw new InstallException("install --agent takes no flags after --: 'cairn agent' and its flags do not "
                    + "exist in this release; edit " + layout.envFile() + " once they do");
        }
        List<String> args = new ArrayList<>();
        args.add(CairnCommandLine.SERVER);
        args.addAll(serverFlags);
        Map<Flag, List<String>> flags;
        try {
            CommandLine.ParseResult parsed = CairnCommandLine.create().parseArgs(args.toArray(String[]::new));
            flags = CairnCommandLine.values(parsed.subcommand());
        } catch (ParameterException e) {
            throw new InstallException("after --: " + e.getMessage() + " (run 'cairn server --help' for its flags)");
        }
        if (dataDir != null) {
            if (flags.containsKey(Flag.DATA_DIR)) {
                throw new InstallException("--data-dir is given both before and after --; give it once");
            }
            flags.put(Flag.DATA_DIR, List.of(dataDir));
        }
        return flags;
    }

    /** Writes {@code file} unless it exists and --force is not given; false if it was kept. */
    private boolean writeUnlessKept(Path file, String content, Set<PosixFilePermission> mode, PrintStream out)
            throws InstallException {
        if (Files.exists(file) && !force) {
            out.println("kept " + file + ": it exists (--force replaces it)");
            return false;
        }
        InstalledFile.write(file, content, mode);
        out.println("wrote " + file + (mode.equals(InstalledFile.OWNER_ONLY) ? " (mode 0600)" : ""));
        return true;
    }

    /** The distribution's commented example, which documents every key; a minimal header if it has none. */
    private static String starterConfig(Path source) throws InstallException {
        Path example = source.resolve(Distribution.CONFIG_EXAMPLE);
        if (!Files.isRegularFile(example)) {
            return "# Cairn settings; keys are the flags of 'cairn server --help' without the dashes.\n";
        }
        try {
            return Files.readString(example);
        } catch (IOException e) {
            throw new InstallException("could not read " + example + ": " + e, e);
        }
    }

    private void startOrExplain(InstallLayout layout, boolean useSystemd, Systemctl systemctl, PrintStream out)
            throws InstallException {
        String unit = layout.unitName();
        if (!useSystemd) {
            out.println((layout.isSystemRoot() ? "systemd is not running here" : "--root " + layout.root())
                    + ": systemctl left alone; on the target system run: systemctl daemon-reload && "
                    + "systemctl enable --now " + unit);
            return;
        }
        systemctl.run("daemon-reload");
        if (now) {
            systemctl.run("enable", "--now", unit);
            out.println("enabled and started " + unit + "; follow its log with: journalctl -u " + unit + " -f");
        } else {
            out.println("start it with: systemctl enable --now " + unit);
        }
    }
}
