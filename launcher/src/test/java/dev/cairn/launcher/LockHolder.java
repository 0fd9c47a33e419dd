package dev.cairn.launcher;

import java.nio.file.Path;

/** Test helper run in a second JVM: takes the data dir lock, says so, and holds it until killed. */
public final class LockHolder {

    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        try {
            DataDirLock lock = DataDirLock.acquire(Path.of(args[0]));
            System.out.println("locked pid=" + ProcessHandle.current().pid() + " dir=" + lock.dataDir());
            System.out.flush();
            System.in.read(); // hold the lock until stdin closes or the process is killed
        } catch (SettingsException e) {
            System.out.println("refused: " + e.getMessage());
            System.out.flush();
            System.exit(3);
        }
    }
}
