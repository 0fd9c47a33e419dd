package dev.cairn.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Everything an agent keeps, under {@code <data-dir>/agent/} (dir 0700, files 0600): its node password, its
 * kubelet client key and certificate, the pinned cluster CA and the servers it knows.
 */
final class AgentFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;

    AgentFiles(Path dataDir) {
        this.dir = dataDir.resolve("agent");
    }

    Path dir() {
        return dir;
    }

    Path nodePassword() {
        return dir.resolve("node-password");
    }

    Path clientKey() {
        return dir.resolve("client-kubelet.key");
    }

    Path clientCert() {
        return dir.resolve("client-kubelet.crt");
    }

    Path serverCa() {
        return dir.resolve("server-ca.crt");
    }

    Path servers() {
        return dir.resolve("servers.json");
    }

    void createDir() throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    /**
     * The node password: created on first use as 16 random bytes in hex (K3s's), read afterwards. The server
     * keeps its hash under this node's name; losing the file means the name cannot register again.
     */
    String nodePasswordOrCreate() throws IOException {
        Path file = nodePassword();
        if (!Files.exists(file)) {
            byte[] bytes = new byte[16];
            RANDOM.nextBytes(bytes);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, HexFormat.of().formatHex(bytes) + "\n", StandardCharsets.US_ASCII);
            } catch (FileAlreadyExistsException raced) {
                // written meanwhile: read below
            }
        }
        String password = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (password.isEmpty()) {
            throw new IOException(file + " is empty; restore the node's password there, or remove the file and"
                    + " register under a new --node-name");
        }
        return password;
    }

    /** Writes {@code text} to {@code file} (0600) through a temporary file, so a crash never leaves half a file. */
    static void writePrivate(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
