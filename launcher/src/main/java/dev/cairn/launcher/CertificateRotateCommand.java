package dev.cairn.launcher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cairn certificate rotate}: see {@link CertificateRotation}. */
@Command(name = "rotate", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Renew this server's certificates on demand, while the server is stopped (like K3s's).",
                "Backs up <data-dir>/server/tls to server/tls-<unix time> and removes the chosen leaf certificates "
                        + "and keys; the next 'cairn server' start issues new ones from the existing CAs. The CAs "
                        + "are never replaced.",
                "A running server renews certificates that expire within 90 days on its own."})
final class CertificateRotateCommand implements ServiceCommand {

    @Option(names = {"-d", "--data-dir"}, paramLabel = "<dir>",
            description = "The server's data dir (default: /var/lib/cairn).")
    Path dataDir = SettingsSources.DEFAULT_DATA_DIR;

    @Option(names = {"-s", "--service"}, paramLabel = "<name>", split = ",",
            description = "Rotate only these services' certificates: admin, api-server, etcd (default: all).")
    List<String> services = new ArrayList<>();

    @Override
    public int run(PrintStream out) throws RotationException {
        CertificateRotation.of(dataDir, services).run(Instant.now(), out);
        return 0;
    }
}
