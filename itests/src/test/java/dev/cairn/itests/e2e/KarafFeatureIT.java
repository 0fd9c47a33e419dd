package dev.cairn.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import dev.cairn.itests.e2e.support.Etcdctl;
import dev.cairn.itests.e2e.support.KarafProcess;
import dev.cairn.itests.e2e.support.ServerUnderTest;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.After;
import org.junit.Test;

/**
 * Cairn in a real Apache Karaf 4.4 (127.0.0.89): the features repository {@code cairn-features} and the feature
 * {@code cairn} install every bundle, Config Admin ({@code etc/cairn.server.cfg}) configures the server, and
 * {@code etcdctl} talks to it.
 */
public class KarafFeatureIT {
    private static final String ADDRESS = "127.0.0.89";

    private KarafProcess karaf;

    @After
    public void stopKaraf() {
        if (karaf != null) {
            karaf.close();
        }
    }

    @Test
    public void theCairnFeatureInstallsAndServesInKaraf() throws Exception {
        assumeTrue("Cairn only", ServerUnderTest.isCairn());
        String version = System.getProperty("cairn.version", "0.1.0-SNAPSHOT");
        karaf = KarafProcess.create("karaf", ADDRESS, "mvn:dev.cairn/cairn-features/" + version + "/xml/features",
                "cairn", Map.of("node.name", "karaf1", "node.ip", ADDRESS, "bind.address", ADDRESS));
        karaf.start();

        Etcdctl etcdctl = new Etcdctl(karaf);
        etcdctl.run("put", "/karaf/k", "in karaf").requireSuccess();
        assertEquals("in karaf", etcdctl.run("get", "/karaf/k", "--print-value-only").requireSuccess().stdout()
                .strip());
        String log = Files.readString(karaf.home().resolve("data/log/karaf.log"));
        assertTrue("the datastore bundles run inside Karaf", log.contains("dev.cairn.datastore-selector"));
        assertTrue("scheduled snapshots report the SQLite backend", log.contains("skipped until this server runs on the embedded etcd"));
        karaf.stop(Duration.ofSeconds(30));
    }
}
