package dev.cairn.launcher;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The {@code cairn} command line, built from the {@link Flag} table: {@code cairn server [flags]}, with the flags
 * grouped by section in the help. Options are parsed as plain strings; {@link SettingsSources} validates them so
 * a bad value gets the same message whether it came from a flag, a variable or the config file.
 */
final class CairnCommandLine {

    static final String SERVER = "server";

    private CairnCommandLine() {
    }

    static CommandLine create() {
        CommandSpec root = CommandSpec.create().name("cairn").version(CairnVersion.describe());
        root.mixinStandardHelpOptions(true);
        root.usageMessage()
                .description("Cairn: an etcd-compatible, highly available datastore for small clusters.")
                .commandListHeading("%nCommands:%n")
                .footer("%nRun 'cairn server --help' for the server's flags, 'cairn agent --help' for the agent's.");
        root.addSubcommand(SERVER, new CommandLine(server()));
        root.addSubcommand("agent", serviceCommand(new AgentCommand()));
        root.addSubcommand("install", serviceCommand(new InstallCommand()));
        root.addSubcommand("uninstall", serviceCommand(new UninstallCommand()));
        CommandLine certificate = serviceCommand(new CertificateCommand());
        certificate.addSubcommand("rotate", serviceCommand(new CertificateRotateCommand()));
        root.addSubcommand("certificate", certificate);
        CommandLine snapshot = serviceCommand(new EtcdSnapshotCommand());
        snapshot.addSubcommand("save", serviceCommand(new EtcdSnapshotCommand.Save()));
        snapshot.addSubcommand("ls", serviceCommand(new EtcdSnapshotCommand.List()));
        snapshot.addSubcommand("delete", serviceCommand(new EtcdSnapshotCommand.Delete()));
        snapshot.addSubcommand("prune", serviceCommand(new EtcdSnapshotCommand.Prune()));
        root.addSubcommand("etcd-snapshot", snapshot);
        CommandLine datastore = serviceCommand(new DatastoreCommand());
        datastore.addSubcommand("convert", serviceCommand(new DatastoreCommand.Convert()));
        root.addSubcommand("datastore", datastore);
        CommandLine commandLine = new CommandLine(root);
        commandLine.setUsageHelpWidth(100);
        return commandLine;
    }

    /** install, uninstall, certificate rotate: annotated option classes; the parsed instance is the command to run. */
    private static CommandLine serviceCommand(Object command) {
        CommandLine commandLine = new CommandLine(command);
        commandLine.getCommandSpec().version(CairnVersion.describe());
        return commandLine;
    }

    private static CommandSpec server() {
        CommandSpec server = CommandSpec.create().name(SERVER).version(CairnVersion.describe());
        server.mixinStandardHelpOptions(true);
        server.usageMessage()
                .description("Run a Cairn server: the etcd v3 API on --etcd-client-port, health and metrics on "
                        + "--metrics-port, state in --data-dir.")
                .optionListHeading("%nGeneral:%n")
                .sortOptions(false)
                .sortSynopsis(false)
                .footer("%nEvery flag can also be set by its CAIRN_* environment variable or a key of the config "
                                + "file; a flag given here wins over the environment, which wins over the file.",
                        "List values (--tls-san, --disable) are replaced, not merged: CAIRN_TLS_SAN=a,b or "
                                + "tls-san: [a, b].");
        for (Flag.Section section : Flag.Section.values()) {
            ArgGroupSpec.Builder group = ArgGroupSpec.builder()
                    .heading("%n" + section.heading + ":%n")
                    .exclusive(false)
                    .validate(false)
                    .multiplicity("0..1");
            for (Flag flag : Flag.values()) {
                if (flag.section() == section) {
                    group.addArg(option(flag));
                }
            }
            server.addArgGroup(group.build());
        }
        return server;
    }

    private static OptionSpec option(Flag flag) {
        List<String> names = new ArrayList<>();
        names.add(flag.longName());
        flag.shortName().ifPresent(names::add);
        OptionSpec.Builder option = OptionSpec.builder(names.toArray(String[]::new))
                .paramLabel(flag.paramLabel())
                .description(flag.helpText());
        if (flag.isList()) {
            option.type(List.class).auxiliaryTypes(String.class).splitRegex(",").arity("1");
        } else if (flag.isBoolean()) {
            // "--debug" alone means true; "--debug=false" overrides a true from the environment or file
            option.type(String.class).arity("0..1").fallbackValue("true");
        } else {
            option.type(String.class).arity("1");
        }
        return option.build();
    }

    /** The flags given to {@code cairn server} on the command line, as raw strings. */
    static Map<Flag, List<String>> values(ParseResult server) {
        Map<Flag, List<String>> values = new EnumMap<>(Flag.class);
        for (Flag flag : Flag.values()) {
            OptionSpec option = server.matchedOption(flag.longName());
            if (option != null) {
                values.put(flag, List.copyOf(option.stringValues()));
            }
        }
        return values;
    }
}
