package dev.cairn.datastore.raft;

import org.apache.ratis.util.ExitUtils;

/**
 * Keeps Ratis from ending the process. Out of the box Ratis calls {@code System.exit} when, for one, its peer
 * listener cannot bind (a port conflict), and installs a JVM-wide default uncaught-exception handler that exits on
 * any uncaught exception of any thread. Embedded in a server with other bundles, neither is acceptable: a failure
 * of this backend must surface as an error of this backend. The default handler that was there before is put
 * back.
 */
final class ExitGuard {
    private static boolean installed;

    private ExitGuard() {
    }

    static synchronized void install() {
        if (installed) {
            return;
        }
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        ExitUtils.disableSystemExit();
        ExitUtils.setTerminateOnUncaughtException(false);
        Thread.setDefaultUncaughtExceptionHandler(previous);
        installed = true;
    }
}
