package dev.cairn.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A Cairn distribution directory ({@code bin/cairn}, {@code lib/}, {@code bundle/}, {@code conf/}) and its copy. */
final class Distribution {

    static final String CONFIG_EXAMPLE = "conf/config.yaml.example";

    private Distribution() {
    }

    /** Whether {@code target} is {@code source} itself: the installed copy running install again. */
    static boolean same(Path source, Path target) {
        try {
            return Files.exists(target) && Files.isSameFile(source, target);
        } catch (IOException e) {
            return false;
        }
    }

    /** What install checks before copying a directory and uninstall before deleting one. */
    static boolean looksLike(Path dir) {
        return Files.isRegularFile(dir.resolve("bin/cairn")) && Files.isDirectory(dir.resolve("lib"));
    }

    /**
     * Puts a copy of {@code source} at {@code target}, replacing an older distribution there. The copy goes to a
     * sibling directory first, so a failed copy never leaves a half-written distribution in place.
     */
    static void install(Path source, Path target) throws InstallException {
        if (!looksLike(source) || !Files.isDirectory(source.resolve("bundle"))) {
            throw new InstallException(source + " is not a complete Cairn distribution (bin/cairn, lib/, bundle/); "
                    + "run install from the distribution's bin/cairn");
        }
        if (target.startsWith(source) || source.startsWith(target)) {
            throw new InstallException("cannot install " + source + " into " + target + ": one contains the other; "
                    + "choose another --prefix");
        }
        if (Files.exists(target) && !looksLike(target) && !isEmptyDirectory(target)) {
            throw new InstallException(target + " exists and is not a Cairn distribution (no bin/cairn); remove it "
                    + "or choose another --prefix");
        }
        Path staging = target.resolveSibling(target.getFileName() + ".installing");
        try {
            if (Files.exists(staging)) {
                FileTree.delete(staging); // left by an install that failed half-way
            }
            Files.createDirectories(target.getParent());
            FileTree.copy(source, staging);
            if (Files.exists(target)) {
                FileTree.delete(target);
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new InstallException("could not copy " + source + " to " + target + ": " + e, e);
        }
    }

    private static boolean isEmptyDirectory(Path dir) {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
