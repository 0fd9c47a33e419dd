package dev.cairn.itests.e2e;

import static org.junit.Assert.assertTrue;

import dev.cairn.itests.e2e.support.CairnProcess;
import dev.cairn.itests.e2e.support.Etcdctl;
import java.time.Duration;
import org.junit.After;
import org.junit.Test;

/**
 * Durability made visible: with the fsync fault-injection hook enabled (as an operator would, through
 * {@code CAIRN_FAILPOINTS}), every acknowledged put has waited for its fsync, so a one-client put takes at least
 * the injected delay. Only a lower bound is asserted; it holds however slow the machine is.
 */
public class FsyncFailpointIT {
    private static final String ADDRESS = "127.0.0.39";
    private static final Duration DELAY = Duration.ofMillis(400);

    private CairnProcess server;

    @After
    public void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    public void aPutIsAcknowledgedOnlyAfterItsDelayedFsync() {
        server = CairnProcess.create("fsync-failpoint", ADDRESS)
                .withEnvironment("CAIRN_FAILPOINTS", "fsyncDelay=" + DELAY.toMillis() + "ms");
        server.start();
        Etcdctl etcdctl = new Etcdctl(server);
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            etcdctl.run("put", "/failpoint/k" + i, "v").requireSuccess();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue("put " + i + " was acknowledged after " + took.toMillis() + " ms, before the injected "
                    + DELAY.toMillis() + " ms fsync delay had passed\n" + server.logTail(), took.compareTo(DELAY) >= 0);
        }
        assertTrue("the server must warn that fault injection is on\n" + server.logTail(),
                server.outputOfLastLaunch().toLowerCase().contains("fsync"));
    }
}
