package dev.cairn.itests.osgi;

import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** The hot swap of the Raft backend bundle on a one-member embedded etcd (127.0.0.59). */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotSwapRaftIT extends HotSwapScenario {

    @Override
    String address() {
        return "127.0.0.59";
    }

    @Override
    Map<String, Object> backendConfiguration() {
        return Map.of("cluster.init", true);
    }

    @Test
    public void theRaftBackendBundleIsUpdatedUnderLoad() throws Exception {
        swapUnderLoad("dev.cairn.datastore-raft");
    }
}
