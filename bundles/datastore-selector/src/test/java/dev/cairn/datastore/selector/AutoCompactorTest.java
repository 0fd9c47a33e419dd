package dev.cairn.datastore.selector;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import dev.cairn.datastore.api.Datastore;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

public class AutoCompactorTest {
    private final AtomicLong revision = new AtomicLong(1);
    private final List<Long> compactions = new ArrayList<>();

    /** A store that only knows its revision and records compactions; enough for the compactor. */
    private Datastore store() {
        return (Datastore) Proxy.newProxyInstance(Datastore.class.getClassLoader(), new Class<?>[] {Datastore.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "currentRevision" -> revision.get();
                    case "compact" -> {
                        compactions.add((Long) args[0]);
                        yield CompletableFuture.completedFuture(args[0]);
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    public void periodicKeepsTheLastRetentionOfHistory() {
        AtomicLong now = new AtomicLong();
        AutoCompactor c = new AutoCompactor(store(), now::get);
        Duration retention = Duration.ofMinutes(10);
        for (int minute = 0; minute <= 25; minute++) {
            now.set(Duration.ofMinutes(minute).toNanos());
            revision.set(100 + minute * 10L);
            c.periodicTick(retention);
        }
        // at minute 25 the newest sample at least 10 minutes old is the one of minute 15 (revision 250)
        assertEquals(Long.valueOf(250), compactions.get(compactions.size() - 1));
        assertEquals("one compaction per tick once history is older than the retention", 16, compactions.size());
    }

    @Test
    public void zeroRetentionDisablesCompaction() {
        assertNull(AutoCompactor.start(store(), "periodic", "0"));
        assertNull(AutoCompactor.start(store(), "revision", "0"));
    }

    @Test
    public void unknownModeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> AutoCompactor.start(store(), "hourly", "1h"));
        assertThrows(IllegalArgumentException.class, () -> AutoCompactor.start(store(), "revision", "1h"));
    }
}
