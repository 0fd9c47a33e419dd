package dev.cairn.itests.e2e.support;

import static dev.cairn.itests.e2e.support.Operation.get;
import static dev.cairn.itests.e2e.support.Operation.put;
import static dev.cairn.itests.e2e.support.Operation.unknownPut;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.Test;

/** The linearizability checker on hand-made histories with a known answer, and on large generated ones. */
public class LinearizabilityTest {

    private static final String K = "k";

    @Test
    public void emptyHistoryIsLinearizable() {
        assertLinearizable(List.of());
    }

    @Test
    public void sequentialPutsAndGetsAreLinearizable() {
        assertLinearizable(List.of(get(1, K, null, 0, 10), put(1, K, "a", 20, 30), get(2, K, "a", 40, 50),
                put(2, K, "b", 60, 70), get(1, K, "b", 80, 90)));
    }

    @Test
    public void absentAfterACompletedPutIsNotLinearizable() {
        assertNotLinearizable(List.of(put(1, K, "a", 0, 10), get(2, K, null, 20, 30)), K, 2);
    }

    @Test
    public void staleReadAfterACompletedWriteIsNotLinearizable() {
        Operation stale = get(3, K, "a", 40, 50);
        Linearizability.Result result = assertNotLinearizable(List.of(put(1, K, "a", 0, 10), put(2, K, "b", 20, 30),
                stale), K, 3);
        assertTrue(result.window().contains(stale));
        assertTrue(result.explanation(), result.explanation().contains("holding \"b\""));
    }

    @Test
    public void readOfANeverWrittenValueIsNotLinearizable() {
        Linearizability.Result result = assertNotLinearizable(List.of(put(1, K, "a", 0, 10),
                get(2, K, "zz", 20, 30)), K, 2);
        assertTrue(result.explanation(), result.explanation().contains("no put ever wrote the value it read"));
    }

    @Test
    public void aReadCannotSeeAWriteInvokedAfterItCompleted() {
        assertNotLinearizable(List.of(get(1, K, "a", 0, 10), put(2, K, "a", 20, 30)), K, 2);
    }

    @Test
    public void aReadDuringAWriteMaySeeTheOldOrTheNewValue() {
        List<Operation> base = List.of(put(1, K, "a", 0, 10), put(2, K, "b", 20, 60));
        assertLinearizable(with(base, get(3, K, "a", 30, 40)));
        assertLinearizable(with(base, get(3, K, "b", 30, 40)));
        assertLinearizable(with(base, get(3, K, "b", 30, 40), get(3, K, "b", 45, 50)));
        // once a read saw the new value, a later read cannot see the old one again
        assertNotLinearizable(with(base, get(3, K, "b", 30, 40), get(3, K, "a", 45, 50)), K, 4);
    }

    @Test
    public void concurrentWritesMayTakeEffectInEitherOrder() {
        List<Operation> writes = List.of(put(1, K, "a", 0, 100), put(2, K, "b", 10, 90));
        assertLinearizable(with(writes, get(3, K, "a", 200, 210)));
        assertLinearizable(with(writes, get(3, K, "b", 200, 210)));
        assertLinearizable(with(writes, get(3, K, "a", 20, 30), get(3, K, "b", 40, 50)));
        assertLinearizable(with(writes, get(3, K, "b", 20, 30), get(3, K, "a", 40, 50)));
        // but only once each: a, b, a needs a third write
        assertNotLinearizable(with(writes, get(3, K, "a", 20, 30), get(3, K, "b", 40, 50), get(3, K, "a", 60, 70)),
                K, 5);
        // and after both completed the value no longer changes
        assertNotLinearizable(with(writes, get(3, K, "a", 200, 210), get(3, K, "b", 220, 230)), K, 4);
    }

    @Test
    public void anUnknownWriteThatTookEffectIsLinearizable() {
        assertLinearizable(List.of(put(1, K, "a", 0, 10), unknownPut(2, K, "b", 20), get(3, K, "b", 100, 110),
                get(3, K, "b", 500, 510)));
    }

    @Test
    public void anUnknownWriteThatNeverTookEffectIsLinearizable() {
        assertLinearizable(List.of(put(1, K, "a", 0, 10), unknownPut(2, K, "b", 20), get(3, K, "a", 100, 110),
                get(3, K, "a", 500, 510)));
    }

    @Test
    public void anUnknownWriteMayTakeEffectLongAfterItsInvocation() {
        assertLinearizable(List.of(unknownPut(2, K, "b", 0), put(1, K, "a", 100, 110), get(3, K, "a", 200, 210),
                get(3, K, "b", 900, 910)));
    }

    @Test
    public void anUnknownWriteTakesEffectAtMostOnce() {
        assertNotLinearizable(List.of(put(1, K, "a", 0, 10), unknownPut(2, K, "b", 20), get(3, K, "b", 100, 110),
                put(1, K, "c", 120, 130), get(3, K, "b", 140, 150)), K, 5);
    }

    @Test
    public void anUnknownWriteCannotTakeEffectBeforeItsInvocation() {
        assertNotLinearizable(List.of(get(1, K, "b", 0, 10), unknownPut(2, K, "b", 20)), K, 2);
    }

    @Test
    public void aGetWithUnknownOutcomeIsIgnored() {
        assertLinearizable(List.of(put(1, K, "a", 0, 10),
                get(2, K, "never-written", 20, Operation.UNKNOWN)));
    }

    @Test
    public void operationsThatTouchAreTreatedAsConcurrent() {
        assertLinearizable(List.of(put(1, K, "a", 0, 10), get(2, K, null, 10, 20)));
    }

    @Test
    public void keysAreCheckedIndependentlyAndTheFailingOneIsNamed() {
        assertNotLinearizable(List.of(put(1, "x", "a", 0, 10), put(1, "y", "b", 5, 15), get(2, "x", "a", 20, 30),
                get(2, "y", "b", 20, 30), get(2, "y", "a", 40, 50)), "y", 3);
    }

    @Test(timeout = 20_000)
    public void largeGeneratedHistoriesAreLinearizable() {
        for (long seed = 1; seed <= 5; seed++) {
            List<Operation> history = generated(seed, 2000, 5, 0.05);
            long begin = System.nanoTime();
            Linearizability.Result result = Linearizability.check(history);
            long millis = (System.nanoTime() - begin) / 1_000_000;
            assertTrue("seed " + seed + ": " + result, result.isLinearizable());
            assertTrue("seed " + seed + " took " + millis + " ms", millis < 3000);
        }
    }

    @Test(timeout = 20_000)
    public void aLargeGeneratedHistoryOnOneKeyIsLinearizable() {
        assertLinearizable(generated(42, 2000, 1, 0.02));
    }

    @Test(timeout = 20_000)
    public void aStaleReadPlantedInALargeHistoryIsFound() {
        for (long seed = 1; seed <= 5; seed++) {
            List<Operation> history = new ArrayList<>(generated(seed, 2000, 5, 0.05));
            Operation planted = plantStaleRead(history, new Random(seed));
            Linearizability.Result result = Linearizability.check(history);
            assertEquals("seed " + seed + ": " + result, Linearizability.Verdict.NOT_LINEARIZABLE, result.verdict());
            assertEquals(planted.key(), result.key());
            assertTrue("window is small: " + result, result.window().size() <= 40);
        }
    }

    @Test(timeout = 20_000)
    public void aNeverWrittenValuePlantedInALargeHistoryIsFound() {
        List<Operation> history = new ArrayList<>(generated(7, 2000, 5, 0.05));
        int index = indexOfGet(history, 1000);
        Operation original = history.get(index);
        history.set(index, get(original.client(), original.key(), "forged", original.invoke(), original.complete()));
        Linearizability.Result result = Linearizability.check(history);
        assertEquals(result.toString(), Linearizability.Verdict.NOT_LINEARIZABLE, result.verdict());
        assertEquals(original.key(), result.key());
        assertTrue(result.toString(), result.window().contains(history.get(index)));
    }

    @Test
    public void aSearchOverItsBudgetIsUndecided() {
        Linearizability.Result result = Linearizability.check(generated(3, 2000, 1, 0.05), 100);
        assertEquals(Linearizability.Verdict.UNDECIDED, result.verdict());
        assertEquals(K, result.key());
    }

    @Test
    public void agreesWithAnExhaustiveSearchOnSmallRandomHistories() {
        Random random = new Random(2026);
        int linearizable = 0;
        for (int round = 0; round < 3000; round++) {
            List<Operation> history = smallRandomHistory(random);
            boolean expected = exhaustivelyLinearizable(history);
            Linearizability.Result result = Linearizability.check(history);
            assertEquals(history + "\n" + result, expected, result.isLinearizable());
            linearizable += expected ? 1 : 0;
        }
        assertTrue("both answers are exercised: " + linearizable, linearizable > 300 && linearizable < 2700);
    }

    /** Up to 7 operations with few values (repeated values too), overlapping at random, some outcomes unknown. */
    private static List<Operation> smallRandomHistory(Random random) {
        String[] values = {null, "a", "b", "c"};
        List<Operation> history = new ArrayList<>();
        int count = 1 + random.nextInt(7);
        for (int i = 0; i < count; i++) {
            long invoke = random.nextInt(40);
            long complete = invoke + random.nextInt(15);
            boolean unknown = random.nextInt(6) == 0;
            if (random.nextBoolean()) {
                String value = values[1 + random.nextInt(3)];
                history.add(unknown ? unknownPut(i, K, value, invoke) : put(i, K, value, invoke, complete));
            } else {
                history.add(get(i, K, values[random.nextInt(4)], invoke, unknown ? Operation.UNKNOWN : complete));
            }
        }
        return history;
    }

    /**
     * The definition, checked by brute force: some order of the operations respects real time (an operation may go
     * next unless another one still to place completed before it was invoked) and the register semantics, placing
     * every operation with a known outcome; puts with unknown outcome may be placed or left out, gets with unknown
     * outcome are left out.
     */
    private static boolean exhaustivelyLinearizable(List<Operation> history) {
        List<Operation> relevant = new ArrayList<>();
        for (Operation op : history) {
            if (op.type() == Operation.Type.PUT || op.outcomeKnown()) {
                relevant.add(op);
            }
        }
        return placeNext(relevant, new boolean[relevant.size()], null);
    }

    private static boolean placeNext(List<Operation> ops, boolean[] placed, String value) {
        boolean allKnownPlaced = true;
        for (int i = 0; i < ops.size(); i++) {
            allKnownPlaced &= placed[i] || !ops.get(i).outcomeKnown();
        }
        if (allKnownPlaced) {
            return true;
        }
        for (int i = 0; i < ops.size(); i++) {
            if (placed[i] || !mayGoNext(ops, placed, ops.get(i))) {
                continue;
            }
            Operation op = ops.get(i);
            if (op.type() == Operation.Type.GET && !java.util.Objects.equals(op.value(), value)) {
                continue;
            }
            placed[i] = true;
            boolean found = placeNext(ops, placed, op.type() == Operation.Type.PUT ? op.value() : value);
            placed[i] = false;
            if (found) {
                return true;
            }
        }
        return false;
    }

    private static boolean mayGoNext(List<Operation> ops, boolean[] placed, Operation candidate) {
        for (int j = 0; j < ops.size(); j++) {
            if (!placed[j] && ops.get(j).complete() < candidate.invoke()) {
                return false;
            }
        }
        return true;
    }

    /**
     * A history of {@code count} operations that is linearizable by construction: a sequential register
     * simulation decides each result at the operation's linearization point (every 10 ns), and the invocation and
     * completion are drawn up to 60 ns either side, so about a dozen operations overlap at any time. A share of the
     * puts has an unknown outcome: half of those took effect, half did not.
     */
    static List<Operation> generated(long seed, int count, int keys, double unknownShare) {
        Random random = new Random(seed);
        Map<String, String> register = new HashMap<>();
        List<Operation> history = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long point = 1000 + 10L * i;
            long invoke = point - random.nextInt(60);
            long complete = point + random.nextInt(60);
            String key = keys == 1 ? K : "k" + random.nextInt(keys);
            int client = random.nextInt(8);
            if (random.nextBoolean()) {
                String value = "v" + i;
                double roll = random.nextDouble();
                if (roll < unknownShare / 2) {
                    history.add(unknownPut(client, key, value, invoke)); // never took effect
                } else if (roll < unknownShare) {
                    register.put(key, value);
                    history.add(unknownPut(client, key, value, invoke));
                } else {
                    register.put(key, value);
                    history.add(put(client, key, value, invoke, complete));
                }
            } else {
                history.add(get(client, key, register.get(key), invoke, complete));
            }
        }
        return history;
    }

    /**
     * Replaces a get's result with the value of a put that was overwritten by another completed put before the get
     * began: a stale read no order can explain.
     */
    private static Operation plantStaleRead(List<Operation> history, Random random) {
        for (int attempt = 0; attempt < 10_000; attempt++) {
            int index = indexOfGet(history, history.size() / 4 + random.nextInt(history.size() / 2));
            Operation read = history.get(index);
            Operation overwritten = null;
            Operation newer = null;
            for (Operation op : history) {
                if (op.type() != Operation.Type.PUT || !op.key().equals(read.key()) || !op.outcomeKnown()) {
                    continue;
                }
                if (op.complete() < read.invoke() && (newer == null || op.invoke() > newer.complete())) {
                    if (newer != null && newer.complete() < op.invoke()) {
                        overwritten = newer;
                    }
                    newer = op;
                }
            }
            if (overwritten != null && newer.complete() < read.invoke() && !overwritten.value().equals(read.value())) {
                Operation stale = get(read.client(), read.key(), overwritten.value(), read.invoke(), read.complete());
                history.set(index, stale);
                return stale;
            }
        }
        throw new AssertionError("no place for a stale read");
    }

    private static int indexOfGet(List<Operation> history, int from) {
        for (int i = from; i < history.size(); i++) {
            if (history.get(i).type() == Operation.Type.GET) {
                return i;
            }
        }
        throw new AssertionError("no get after " + from);
    }

    private static List<Operation> with(List<Operation> base, Operation... more) {
        List<Operation> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    private static void assertLinearizable(List<Operation> history) {
        Linearizability.Result result = Linearizability.check(history);
        assertTrue(result.toString(), result.isLinearizable());
    }

    private static Linearizability.Result assertNotLinearizable(List<Operation> history, String key,
            int maxWindow) {
        Linearizability.Result result = Linearizability.check(history);
        assertEquals(result.toString(), Linearizability.Verdict.NOT_LINEARIZABLE, result.verdict());
        assertEquals(key, result.key());
        assertTrue("window of at most " + maxWindow + ": " + result, result.window().size() <= maxWindow);
        assertTrue(result.explanation(), result.explanation().startsWith("not linearizable: key " + key));
        return result;
    }
}
