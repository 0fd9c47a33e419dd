package dev.cairn.itests.soak;

import dev.cairn.itests.e2e.support.ServerUnderTest;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.runner.Description;
import org.junit.runner.Result;
import org.junit.runner.notification.RunListener;

/**
 * Starts the shared {@link IdleClusterWatch} when a test run begins that includes {@link IdleClusterIT} (configured
 * as a surefire {@code listener} in the itests pom, whose {@code runOrder} puts this package's tests last), so that
 * the watch's ten minutes overlap the other integration tests instead of adding to the run. Nothing is started when
 * the run does not include the test, when it targets the reference etcd, or when this process may not raise the
 * servers' priority; the test then runs its watch alone. The watch is closed when the run ends, if the test did not
 * take it over.
 */
public final class IdleClusterListener extends RunListener {

    private static final AtomicInteger FINISHED = new AtomicInteger();

    /** Tests finished in this run so far (to show what ran beside the watch). */
    static int testsFinished() {
        return FINISHED.get();
    }

    @Override
    public void testRunStarted(Description description) {
        if (!ServerUnderTest.isCairn() || !includes(description, IdleClusterIT.class.getName())) {
            return;
        }
        boolean started = IdleClusterWatch.startShared();
        System.out.println(started
                ? "idle watch: started the idle cluster (nice -n " + IdleClusterWatch.NICE + ") beside the other tests"
                : "idle watch: may not raise the servers' priority here; IdleClusterIT will run its watch alone");
    }

    @Override
    public void testFinished(Description description) {
        FINISHED.incrementAndGet();
    }

    @Override
    public void testRunFinished(Result result) {
        IdleClusterWatch.closeShared();
    }

    private static boolean includes(Description description, String className) {
        if (className.equals(description.getClassName()) || className.equals(description.getDisplayName())) {
            return true;
        }
        for (Description child : description.getChildren()) {
            if (includes(child, className)) {
                return true;
            }
        }
        return false;
    }
}
