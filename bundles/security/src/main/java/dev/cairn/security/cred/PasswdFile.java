package dev.cairn.security.cred;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code <data-dir>/server/cred/passwd}: one user a line, K3s's CSV {@code <hash>,<user>,<group>,<role>}. It is one
 * of the bootstrap files every server of a cluster shares, so a server that joined has the cluster's file.
 */
final class PasswdFile {

    /** One line: the salted hash of the user's password ({@link PasswordHash}), the user, its group and role. */
    record Entry(String hash, String user, String group, String role) {
        String line() {
            return hash + "," + user + "," + group + "," + role;
        }
    }

    private final Path file;

    PasswdFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    boolean exists() {
        return Files.exists(file);
    }

    /** The entries, in file order; none when the file does not exist. */
    List<Entry> read() throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split(",", -1);
            if (fields.length != 4 || fields[0].isEmpty() || fields[1].isEmpty()) {
                throw new IOException(file + " line " + (i + 1) + " is not <hash>,<user>,<group>,<role>; restore the"
                        + " file from another server of the cluster (server/cred/passwd)");
            }
            entries.add(new Entry(fields[0], fields[1], fields[2], fields[3]));
        }
        return entries;
    }

    static Optional<Entry> find(List<Entry> entries, String user) {
        return entries.stream().filter(e -> e.user().equals(user)).findFirst();
    }

    /** Replaces the file atomically (mode 0600, directory 0700). */
    void write(List<Entry> entries) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Entry e : entries) {
            text.append(e.line()).append('\n');
        }
        OwnerOnlyFile.write(file, text.toString());
    }
}
