package dev.cairn.launcher;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** {@code cairn}: a plain Java main, outside the OSGi framework it starts. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        // before anything touches java.util.logging: one line per record, like the rest of the log
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "jul [%3$s] %4$s : %5$s%6$s%n");
        }
        CommonPoolSize.widen(System.getProperties(), Runtime.getRuntime().availableProcessors());
        int status = execute(args, System.getenv(), System.out, System.err, HostNetwork.LOCAL,
                new ServerProcess(System.out, System.err));
        System.out.flush();
        System.exit(status);
    }

    /** Parses {@code args}, resolves the settings and runs the command; returns the exit status. */
    static int execute(String[] args, Map<String, String> env, PrintStream out, PrintStream err, HostNetwork host,
            ServerRunner runner) {
        CommandLine commandLine = CairnCommandLine.create();
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        commandLine.setOut(outWriter);
        commandLine.setErr(errWriter);
        ParseResult parsed;
        try {
            parsed = commandLine.parseArgs(args);
        } catch (ParameterException e) {
            err.println("cairn: " + e.getMessage());
            err.println("Run '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return 1;
        }
        if (CommandLine.printHelpIfRequested(parsed)) {
            return 0;
        }
        if (!parsed.hasSubcommand()) {
            commandLine.usage(outWriter);
            return 0;
        }
        ParseResult command = parsed.subcommand();
        while (command.hasSubcommand()) {
            command = command.subcommand();
        }
        if (command.commandSpec().userObject() instanceof CertificateCommand
                || command.commandSpec().userObject() instanceof EtcdSnapshotCommand
                || command.commandSpec().userObject() instanceof DatastoreCommand) {
            command.commandSpec().commandLine().usage(outWriter); // "cairn certificate" alone: list its commands
            return 0;
        }
        if (command.commandSpec().userObject() instanceof ServiceCommand service) {
            try {
                return service.run(out);
            } catch (InstallException | StartupException | RotationException | ServerCommandException e) {
                err.println("cairn: " + e.getMessage());
                return 1;
            }
        }
        try {
            Map<Flag, List<String>> cli = CairnCommandLine.values(parsed.subcommand());
            SettingsSources.ConfigLocation location = SettingsSources.configLocation(cli, env);
            ConfigFile file = ConfigFile.load(location.path(), location.explicit());
            ServerSettings settings = new SettingsSources(cli, env, file).resolve(host);
            return runner.run(settings);
        } catch (SettingsException | StartupException e) {
            err.println("cairn: " + e.getMessage());
            return 1;
        }
    }
}
