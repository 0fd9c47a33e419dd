package dev.cairn.datastore.selector;

import dev.cairn.datastore.snapshot.SnapshotException;
import dev.cairn.datastore.snapshot.SnapshotFile;
import dev.cairn.datastore.snapshot.SnapshotImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The snapshot directory and K3s's naming in it: {@code <name>-<node>-<unix time>[.zip]}. Files whose names start
 * with a dot are work in progress (a save, or the etcd API's Snapshot stream) and are never listed.
 */
final class SnapshotDirectory {
    private static final Pattern UNIX_SUFFIX = Pattern.compile("-(\\d{9,})(?:\\.zip)?$");

    private final Path dir;
    private final String node;

    SnapshotDirectory(Path dir, String node) {
        this.dir = dir;
        this.node = node;
    }

    Path path() {
        return dir;
    }

    /** A file name not yet used for {@code name} taken at {@code at}: the unix time moves on if it is taken. */
    String newName(String name, Instant at) {
        long unix = at.getEpochSecond();
        while (exists(name + "-" + node + "-" + unix)) {
            unix++;
        }
        return name + "-" + node + "-" + unix;
    }

    private boolean exists(String base) {
        return Files.exists(dir.resolve(base)) || Files.exists(dir.resolve(base + SnapshotImage.ZIP_SUFFIX));
    }

    /** The snapshot files, oldest first. */
    List<SnapshotFile> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<SnapshotFile> files = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                String fileName = p.getFileName().toString();
                if (!fileName.startsWith(".") && Files.isRegularFile(p)) {
                    files.add(describe(p, 0));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the snapshot directory " + dir, e);
        }
        files.sort(Comparator.comparing(SnapshotFile::createdAt).thenComparing(SnapshotFile::name));
        return files;
    }

    static SnapshotFile describe(Path file, long revision) {
        try {
            String name = file.getFileName().toString();
            Matcher m = UNIX_SUFFIX.matcher(name);
            Instant created = m.find() ? Instant.ofEpochSecond(Long.parseLong(m.group(1)))
                    : Files.getLastModifiedTime(file).toInstant();
            return new SnapshotFile(name, file.toAbsolutePath(), Files.size(file), created, revision);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read snapshot file " + file, e);
        }
    }

    /** Deletes the named files; refuses all if one is missing or is not a plain name in the directory. */
    List<String> delete(List<String> names) {
        List<String> missing = new ArrayList<>();
        for (String n : names) {
            if (n.isEmpty() || n.contains("/") || n.startsWith(".") || !Files.isRegularFile(dir.resolve(n))) {
                missing.add(n);
            }
        }
        if (!missing.isEmpty()) {
            throw new SnapshotException("no snapshot named " + String.join(", ", missing) + " in " + dir
                    + "; 'cairn etcd-snapshot ls' lists them");
        }
        List<String> deleted = new ArrayList<>();
        for (String n : names) {
            try {
                if (Files.deleteIfExists(dir.resolve(n))) {
                    deleted.add(n);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete snapshot " + dir.resolve(n), e);
            }
        }
        return deleted;
    }

    /** Deletes this node's {@code name} snapshots beyond the newest {@code retention}. */
    List<String> prune(String name, int retention) {
        if (retention < 1) {
            return List.of();
        }
        String prefix = name + "-" + node + "-";
        List<SnapshotFile> ours = list().stream().filter(f -> f.name().startsWith(prefix)
                && UNIX_SUFFIX.matcher(f.name().substring(prefix.length() - 1)).matches()).toList();
        if (ours.size() <= retention) {
            return List.of();
        }
        return delete(ours.subList(0, ours.size() - retention).stream().map(SnapshotFile::name).toList());
    }
}
