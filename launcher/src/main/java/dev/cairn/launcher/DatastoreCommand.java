package dev.cairn.launcher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cairn datastore}: commands on the datastore of the server running on {@code --data-dir}. */
@Command(name = "datastore", mixinStandardHelpOptions = true, commandListHeading = "%nCommands:%n",
        description = "Act on the datastore of a running server.")
final class DatastoreCommand {

    /**
     * {@code cairn datastore convert --to etcd}: the running server turns its SQLite store into the embedded etcd
     * without a restart ({@code POST /db/convert}); clients stay connected and watches continue.
     */
    @Command(name = "convert", mixinStandardHelpOptions = true,
            description = {"Convert the running server's SQLite store to the embedded etcd without a restart.",
                    "Every key, revision, lease and the history not yet compacted are kept; clients stay connected,",
                    "requests wait during the switch, watches continue. Other servers can then join it with",
                    "--server. (A restart with --cluster-init converts the same way.)"})
    static final class Convert implements ServiceCommand {
        static final String PATH = "/db/convert";
        /** The server bounds the conversion itself; a large store on a slow disk takes a while. */
        private static final Duration TIMEOUT = Duration.ofMinutes(30);

        @Option(names = {"-d", "--data-dir"}, paramLabel = "<dir>",
                description = "Data dir of the running server (default: /var/lib/cairn).")
        Path dataDir = SettingsSources.DEFAULT_DATA_DIR;

        @Option(names = "--to", paramLabel = "<datastore>", required = true,
                description = "The datastore to convert to: etcd (the embedded etcd).")
        String to;

        @Override
        public int run(PrintStream out) throws ServerCommandException {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("to", to);
            String answer = RunningServer.of(dataDir).post(PATH, Json.write(body), TIMEOUT);
            Map<?, ?> report;
            try {
                report = Json.object(Json.member(Json.parse(answer), "conversion"), "conversion");
            } catch (IllegalArgumentException e) {
                throw new ServerCommandException("the server answered something that is not a conversion report: "
                        + answer);
            }
            out.println("Converted the datastore of " + dataDir + " from " + report.get("from") + " to "
                    + report.get("to") + " at revision " + report.get("revision") + " in " + report.get("totalMs")
                    + " ms (requests waited " + report.get("unavailableMs") + " ms).");
            out.println("This server is now the first member of an embedded etcd cluster; join more servers with"
                    + " 'cairn server --server https://<this server>:6443 --token <token>'.");
            return 0;
        }
    }
}
