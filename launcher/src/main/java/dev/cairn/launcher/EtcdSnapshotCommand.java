package dev.cairn.launcher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn etcd-snapshot save|ls|delete|prune}, K3s's commands: each asks the server running on
 * {@code --data-dir} ({@link RunningServer}) through its supervisor API ({@code POST /db/snapshot}), which takes,
 * lists and deletes the files in its snapshot directory.
 */
@Command(name = "etcd-snapshot", mixinStandardHelpOptions = true, commandListHeading = "%nCommands:%n",
        description = {"Take, list, delete and prune snapshots of a running server's datastore.",
                "Restore one with 'cairn server --cluster-reset --cluster-reset-restore-path <file>'."})
final class EtcdSnapshotCommand {
    static final String PATH = "/db/snapshot";
    /** A save of a large store may take a while; the server bounds it too. */
    private static final Duration SAVE_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The options every subcommand shares. */
    abstract static class Subcommand implements ServiceCommand {
        @Option(names = {"-d", "--data-dir"}, paramLabel = "<dir>",
                description = "Data dir of the running server (default: /var/lib/cairn).")
        Path dataDir = SettingsSources.DEFAULT_DATA_DIR;

        Object request(Map<String, Object> body, Duration timeout) throws ServerCommandException {
            String answer = RunningServer.of(dataDir).post(PATH, Json.write(body), timeout);
            try {
                return Json.parse(answer);
            } catch (IllegalArgumentException e) {
                throw new ServerCommandException("the server answered something that is not JSON: " + answer);
            }
        }

        static Map<String, Object> operation(String name) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("operation", name);
            return body;
        }
    }

    @Command(name = "save", mixinStandardHelpOptions = true,
            description = "Take a snapshot now: <dir>/<name>-<node>-<unix time>[.zip].")
    static final class Save extends Subcommand {
        @Option(names = "--name", paramLabel = "<name>", description = "Base name of the file (default: on-demand).")
        String name = "on-demand";

        @Option(names = {"--etcd-snapshot-compress", "--snapshot-compress"}, description = "Zip the snapshot.")
        boolean compress;

        @Override
        public int run(PrintStream out) throws ServerCommandException {
            Map<String, Object> body = operation("save");
            body.put("name", name);
            body.put("compress", compress);
            Map<?, ?> saved = Json.object(Json.member(request(body, SAVE_TIMEOUT), "snapshot"), "snapshot");
            out.println("Snapshot " + saved.get("name") + " saved: " + saved.get("location") + " (revision "
                    + saved.get("revision") + ", " + saved.get("size") + " bytes)");
            return 0;
        }
    }

    @Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true,
            description = "List the snapshot files, oldest first.")
    static final class List extends Subcommand {
        @Override
        public int run(PrintStream out) throws ServerCommandException {
            java.util.List<?> files = Json.array(Json.member(request(operation("list"), TIMEOUT), "snapshots"),
                    "snapshots");
            java.util.List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"Name", "Location", "Size", "Created"});
            for (Object f : files) {
                Map<?, ?> file = Json.object(f, "snapshot");
                rows.add(new String[] {String.valueOf(file.get("name")), "file://" + file.get("location"),
                    String.valueOf(file.get("size")),
                    Instant.ofEpochSecond(((Number) file.get("createdAt")).longValue()).toString()});
            }
            printTable(out, rows);
            return 0;
        }

        private static void printTable(PrintStream out, java.util.List<String[]> rows) {
            int[] widths = new int[rows.get(0).length];
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 1) + "s", row[i]));
                }
                out.println(line.toString().stripTrailing());
            }
        }
    }

    @Command(name = "delete", aliases = "rm", mixinStandardHelpOptions = true,
            description = "Delete snapshot files by name (as 'ls' shows them).")
    static final class Delete extends Subcommand {
        @Parameters(paramLabel = "<name>", arity = "1..*", description = "Snapshot file names.")
        java.util.List<String> names = new ArrayList<>();

        @Override
        public int run(PrintStream out) throws ServerCommandException {
            Map<String, Object> body = operation("delete");
            body.put("names", names);
            printDeleted(out, request(body, TIMEOUT));
            return 0;
        }
    }

    @Command(name = "prune", mixinStandardHelpOptions = true,
            description = "Delete this node's snapshots of one name beyond the newest <retention>.")
    static final class Prune extends Subcommand {
        @Option(names = "--name", paramLabel = "<name>", description = "Base name to prune (default: on-demand).")
        String name = "on-demand";

        @Option(names = {"--retention", "--snapshot-retention", "--etcd-snapshot-retention"}, paramLabel = "<n>",
                description = "Snapshots to keep (default: 5).")
        int retention = 5;

        @Override
        public int run(PrintStream out) throws ServerCommandException {
            if (retention < 1) {
                throw new ServerCommandException("--retention must be 1 or more (it is " + retention + ")");
            }
            Map<String, Object> body = operation("prune");
            body.put("name", name);
            body.put("retention", retention);
            printDeleted(out, request(body, TIMEOUT));
            return 0;
        }
    }

    private static void printDeleted(PrintStream out, Object answer) {
        java.util.List<?> deleted = Json.array(Json.member(answer, "deleted"), "deleted");
        if (deleted.isEmpty()) {
            out.println("No snapshot deleted.");
        }
        for (Object name : deleted) {
            out.println("Snapshot " + name + " deleted.");
        }
    }
}
