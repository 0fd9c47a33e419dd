package dev.cairn.apiserver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code <data-dir>/server/supervisor.url}: where the commands that act on a running server ({@code cairn
 * etcd-snapshot}) find its supervisor API. Written once the port is bound, removed when the server stops; a file
 * left by a killed server only leads such a command to a connection refused, which it reports as "not running".
 */
final class SupervisorUrlFile {
    private static final Logger LOG = LoggerFactory.getLogger(SupervisorUrlFile.class);
    static final String NAME = "supervisor.url";

    private SupervisorUrlFile() {
    }

    static Path write(Path dataDir, String url) {
        Path file = dataDir.resolve("server").resolve(NAME);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(NAME + ".tmp");
            Files.writeString(tmp, url + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            LOG.warn("event=supervisor_url_not_written file={} error=\"{}\" effect=\"cairn etcd-snapshot cannot find"
                    + " this server\"", file, e.getMessage());
            return null;
        }
    }

    static void remove(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("event=supervisor_url_not_removed file={} error=\"{}\"", file, e.getMessage());
        }
    }
}
