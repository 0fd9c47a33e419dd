package dev.cairn.itests.osgi;

import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** The hot swap of the SQLite backend, the etcd API and the HTTPS API bundles on a SQLite server (127.0.0.60). */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotSwapSqliteIT extends HotSwapScenario {

    @Override
    String address() {
        return "127.0.0.60";
    }

    @Override
    Map<String, Object> backendConfiguration() {
        return Map.of();
    }

    @Test
    public void backendEtcdApiAndHttpsApiBundlesAreUpdatedUnderLoad() throws Exception {
        swapUnderLoad("dev.cairn.datastore-sqlite", "dev.cairn.etcd-server", "dev.cairn.apiserver");
    }
}
