package dev.cairn.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Properties;
import org.junit.Test;

public class CommonPoolSizeTest {

    @Test
    public void aSmallMachineGetsTwoPoolThreads() {
        for (int processors : new int[] {1, 2}) {
            Properties system = new Properties();
            CommonPoolSize.widen(system, processors);
            assertEquals("processors=" + processors, "2", system.getProperty(CommonPoolSize.PARALLELISM));
        }
    }

    @Test
    public void aLargerMachineKeepsTheJdkDefault() {
        Properties system = new Properties();
        CommonPoolSize.widen(system, 3);
        assertNull(system.getProperty(CommonPoolSize.PARALLELISM));
    }

    @Test
    public void theUsersOwnSettingStays() {
        Properties system = new Properties();
        system.setProperty(CommonPoolSize.PARALLELISM, "1");
        CommonPoolSize.widen(system, 2);
        assertEquals("1", system.getProperty(CommonPoolSize.PARALLELISM));
    }

    /** What the setting is for: on two processors, async tasks no longer start a thread each. */
    @Test
    public void onTwoProcessorsAsyncTasksRunOnPoolThreadsInsteadOfANewThreadEach() throws Exception {
        String widened = probe();
        assertTrue(widened, widened.contains("pooled=true"));
        int threads = Integer.parseInt(widened.substring(widened.indexOf("threads=") + "threads=".length()));
        assertTrue(widened, threads <= CommonPoolSize.MIN_PARALLELISM);
        assertEquals("without the setting the JDK starts a thread per task (the case this class exists for)",
                "probe pooled=false threads=50", probe("as-is"));
    }

    private static String probe(String... args) throws Exception {
        try (ChildJvm child = ChildJvm.start(List.of("-XX:ActiveProcessorCount=2"), CommonPoolProbe.class, args)) {
            return child.awaitLine("probe ", 60_000).trim();
        }
    }
}
