package dev.cairn.datastore.raft;

import java.util.concurrent.Callable;

/**
 * Runs Ratis calls with this bundle's class loader as the thread context class loader. Ratis caches the TCCL in a
 * static initializer and loads its implementation classes by name through it; in OSGi the TCCL is the framework's
 * class loader, which cannot see the embedded jars.
 */
final class Tccl {
    private Tccl() {
    }

    @FunctionalInterface
    interface Call<T> {
        T run() throws Exception;
    }

    static <T> T call(Call<T> call) throws Exception {
        Thread t = Thread.currentThread();
        ClassLoader old = t.getContextClassLoader();
        t.setContextClassLoader(Tccl.class.getClassLoader());
        try {
            return call.run();
        } finally {
            t.setContextClassLoader(old);
        }
    }

    /** For calls that throw nothing checked (async sends). */
    static <T> T get(Callable<T> call) {
        try {
            return call(call::call);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
