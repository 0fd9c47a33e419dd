package dev.cairn.launcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files every server of a cluster shares (CA certificates and keys, {@code cred/passwd}, the encryption
 * config), as {@code GET /v1-cairn/server-bootstrap} sends them: {@code {"files":{"<path under server/>":
 * {"Timestamp":"<RFC 3339>","Content":"<base64>"}}}}. Written under {@code <data-dir>/server} before the
 * framework starts, so the security bundle finds the cluster's CAs instead of making its own.
 */
final class BootstrapFiles {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    /** One shared file: its path relative to {@code <data-dir>/server}, its modification time and content. */
    record SharedFile(String path, Instant modified, byte[] content) {
    }

    private final List<SharedFile> files;

    private BootstrapFiles(List<SharedFile> files) {
        this.files = List.copyOf(files);
    }

    /** Reads the answer; {@code IllegalArgumentException} names what is malformed. */
    static BootstrapFiles fromAnswer(Object document) {
        Map<?, ?> entries = Json.object(Json.member(document, "files"), "\"files\"");
        List<SharedFile> files = new ArrayList<>();
        for (Map.Entry<?, ?> entry : entries.entrySet()) {
            String path = String.valueOf(entry.getKey());
            Map<?, ?> file = Json.object(entry.getValue(), "file " + path);
            byte[] content;
            try {
                content = Base64.getDecoder().decode(Json.string(file.get("Content"), path + " Content"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(path + " Content is not base64: " + e.getMessage(), e);
            }
            files.add(new SharedFile(path, modified(path, file.get("Timestamp")), content));
        }
        return new BootstrapFiles(files);
    }

    List<SharedFile> files() {
        return files;
    }

    /**
     * Writes every file under {@code serverDir} (directories 0700, files 0600, each replaced atomically and
     * synced), skipping those already there with the same content. Writes nothing if an existing file differs:
     * that server directory belongs to another cluster (or to this server run on its own), and replacing its CA
     * would orphan every certificate and encrypted Secret made with it.
     *
     * @return the number of files written
     * @throws StartupException naming every differing file, or what could not be written
     */
    int write(Path serverDir, String serverUrl) throws StartupException {
        List<String> differing = new ArrayList<>();
        List<SharedFile> missing = new ArrayList<>();
        for (SharedFile file : files) {
            Path target = target(serverDir, file.path(), serverUrl);
            try {
                if (!Files.exists(target)) {
                    missing.add(file);
                } else if (!Arrays.equals(Files.readAllBytes(target), file.content())) {
                    differing.add(target.toString());
                }
            } catch (IOException e) {
                throw new StartupException("cannot read " + target + " to compare it with the cluster's copy: "
                        + e.getMessage(), e);
            }
        }
        if (!differing.isEmpty()) {
            differing.sort(null);
            throw new StartupException("cannot join the cluster at " + serverUrl + ": these files differ from the "
                    + "cluster's copies: " + String.join(", ", differing) + "; " + serverDir + " holds the state "
                    + "of another cluster (or of this server run on its own): move it aside to join, or start "
                    + "without --server");
        }
        for (SharedFile file : missing) {
            Path target = target(serverDir, file.path(), serverUrl);
            try {
                createPrivateDirectories(target.getParent());
                writeAtomically(target, file.content(), file.modified());
            } catch (IOException e) {
                throw new StartupException("cannot write " + target + " (from the cluster at " + serverUrl + "): "
                        + e.getMessage(), e);
            }
        }
        return missing.size();
    }

    /** The file inside {@code serverDir}; a path leading elsewhere is refused rather than written. */
    private static Path target(Path serverDir, String path, String serverUrl) throws StartupException {
        Path relative = Path.of(path).normalize();
        Path target = serverDir.resolve(relative).normalize();
        if (path.isEmpty() || relative.isAbsolute() || relative.startsWith("..") || !target.startsWith(serverDir)
                || target.equals(serverDir)) {
            throw new StartupException("the cluster at " + serverUrl + " sent a bootstrap file with the path \"" + path
                    + "\", which is not inside " + serverDir + "; refusing to write it");
        }
        return target;
    }

    private static Instant modified(String path, Object timestamp) {
        if (timestamp == null) {
            return Instant.now();
        }
        String text = Json.string(timestamp, path + " Timestamp");
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(path + " Timestamp \"" + text + "\" is not an RFC 3339 time", e);
        }
    }

    /** Creates the missing directories down to {@code dir}, each 0700 whatever the umask. */
    private static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        createPrivateDirectories(dir.getParent());
        Files.createDirectory(dir);
        if (POSIX) {
            Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
        }
        syncDirectory(dir.getParent());
    }

    /** A temporary file beside the target, 0600 from its creation, synced, then renamed over the target. */
    private static void writeAtomically(Path target, byte[] content, Instant modified) throws IOException {
        Path dir = target.getParent();
        FileAttribute<?>[] attributes = POSIX
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE)}
                : new FileAttribute<?>[0];
        Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp", attributes);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            if (POSIX) {
                Files.setPosixFilePermissions(temp, OWNER_ONLY_FILE);
            }
            // the same time as on the cluster's servers, as K3s does: its reconcile compares times
            Files.setLastModifiedTime(temp, FileTime.from(modified));
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(dir);
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (POSIX) {
                throw e; // Linux syncs directories; elsewhere opening one may not be possible
            }
        }
    }
}
