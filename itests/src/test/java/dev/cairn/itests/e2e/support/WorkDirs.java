package dev.cairn.itests.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Where the end-to-end tests keep their files: process logs under {@code target/e2e-logs} (kept for reading after a
 * failure) and scratch directories under {@code target/e2e-work} (deleted when a test is done).
 */
public final class WorkDirs {

    private static final Path TARGET = Paths.get(System.getProperty("basedir", ".")).toAbsolutePath().resolve("target");

    private WorkDirs() {
    }

    public static Path logFile(String name) {
        Path dir = TARGET.resolve("e2e-logs");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir.resolve(name + ".log");
    }

    /** A fresh, empty directory. */
    public static Path freshDir(String prefix) {
        try {
            Path parent = Files.createDirectories(TARGET.resolve("e2e-work"));
            return Files.createTempDirectory(parent, prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a directory tree; missing is fine. */
    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
