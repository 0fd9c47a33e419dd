package dev.cairn.launcher.testbundle;

import java.util.function.Consumer;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** Activator of a test bundle that reports a fatal startup error the way Cairn bundles do. */
public final class FatalOnStart implements BundleActivator {

    public static final String MESSAGE = "datastore /data/server/db/state.db is corrupt: page 7 checksum mismatch";

    @Override
    @SuppressWarnings("unchecked")
    public void start(BundleContext context) throws Exception {
        ServiceReference<?>[] references = context.getServiceReferences(Consumer.class.getName(), "(cairn.fatal=true)");
        if (references == null) {
            throw new IllegalStateException("no fatal-error service");
        }
        ((Consumer<String>) context.getService(references[0])).accept(MESSAGE);
    }

    @Override
    public void stop(BundleContext context) {
        // nothing held
    }
}
