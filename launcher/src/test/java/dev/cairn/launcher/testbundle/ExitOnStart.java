package dev.cairn.launcher.testbundle;

import java.util.function.Consumer;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** Activator of a test bundle that finishes a one-shot job the way the cluster reset does. */
public final class ExitOnStart implements BundleActivator {

    public static final String MESSAGE = "Managed etcd cluster membership has been reset, restart without "
            + "--cluster-reset flag now.";

    @Override
    @SuppressWarnings("unchecked")
    public void start(BundleContext context) throws Exception {
        ServiceReference<?>[] references = context.getServiceReferences(Consumer.class.getName(), "(cairn.exit=true)");
        if (references == null) {
            throw new IllegalStateException("no exit service");
        }
        ((Consumer<String>) context.getService(references[0])).accept(MESSAGE);
    }

    @Override
    public void stop(BundleContext context) {
        // nothing held
    }
}
