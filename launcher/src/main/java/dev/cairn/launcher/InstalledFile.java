package dev.cairn.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** A file install writes whole: created with its final mode before any content, then moved into place. */
final class InstalledFile {

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");

    private InstalledFile() {
    }

    static void write(Path file, String content, Set<PosixFilePermission> mode) throws InstallException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".new");
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(temp);
            // the mode is set at creation, so a secret is never readable by others, not even for a moment
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(mode));
            Files.setPosixFilePermissions(temp, mode); // creation applied the umask
            Files.writeString(temp, content);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new InstallException("could not write " + file + ": " + e, e);
        }
    }

    /** Removes {@code file}; true if it was there. */
    static boolean remove(Path file) throws InstallException {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new InstallException("could not remove " + file + ": " + e, e);
        }
    }
}
