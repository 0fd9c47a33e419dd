package dev.cairn.itests.osgi;

import static org.junit.Assert.assertEquals;

import javax.inject.Inject;
import org.junit.Test;
import org.osgi.framework.BundleContext;

/**
 * The same bundles and checks as {@link CairnInFelixIT}, in Eclipse Equinox: Cairn is not tied to the framework
 * its distribution ships. The build runs this class alone, with Equinox instead of Felix on the class path.
 */
public class CairnInEquinoxIT extends CairnInFelixIT {

    @Inject
    private BundleContext systemContext;

    @Test
    public void theFrameworkIsEquinox() {
        assertEquals("org.eclipse.osgi", systemContext.getBundle(0).getSymbolicName());
    }
}
