package dev.cairn.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The data dir {@code cairn uninstall --purge-data} deletes, checked first: never "/", only a directory that holds a
 * Cairn server's {@code server/} directory, and never while a server holds its lock.
 */
final class DataDirPurge {

    private final Path dataDir;

    private DataDirPurge(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** {@code dataDir} as written under --root; refuses anything that does not look like a Cairn data dir. */
    static DataDirPurge check(InstallLayout layout, Path given) throws InstallException {
        Path dir = layout.underRoot(given);
        if (dir.equals(layout.root()) || dir.getNameCount() == 0) {
            throw new InstallException("refusing to delete " + dir + " as a data dir: that is the whole file system");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir.resolve("server"))) {
            throw new InstallException("refusing to delete " + dir + ": it does not look like a Cairn data dir "
                    + "(no server/ directory inside); check --data-dir");
        }
        return new DataDirPurge(dir);
    }

    Path dir() {
        return dataDir;
    }

    /** Deletes the data dir under its lock, so a running server's data is never pulled away; false if absent. */
    boolean delete() throws InstallException {
        if (!Files.exists(dataDir)) {
            return false;
        }
        try (DataDirLock lock = DataDirLock.acquire(dataDir)) {
            FileTree.delete(dataDir);
        } catch (SettingsException e) {
            throw new InstallException("not deleting " + dataDir + ": " + e.getMessage() + "; stop the server first");
        } catch (IOException e) {
            throw new InstallException("could not delete " + dataDir + ": " + e, e);
        }
        return true;
    }
}
