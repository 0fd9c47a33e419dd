package dev.cairn.itests.e2e.support;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Checks that a history of puts and gets is linearizable, key by key (each key is an independent register, so a
 * history is linearizable exactly when every key's part is). The search is Wing and Gong's, with Lowe's
 * memoisation as in Jepsen's Knossos and Porcupine: operations sit in a list of call and return events ordered by
 * time; the search linearizes a pending call whose effect the register allows, and backtracks when it reaches a
 * return whose operation it has not linearized yet. A (set of linearized operations, register value) pair seen
 * once is never explored again, which keeps realistic histories fast.
 *
 * <p>A get whose outcome is unknown says nothing and is dropped. A put whose outcome is unknown may take effect at
 * any point after its invocation, or never: it returns at +infinity, and once every operation with a known
 * outcome is linearized the rest can take effect last. Such a put whose value no get saw is dropped up front: it
 * can always be the very last thing that happened.
 */
public final class Linearizability {

    /** How many search steps a key may take before the check gives up (tens of seconds of work). */
    public static final long DEFAULT_STEP_BUDGET = 50_000_000L;

    private static final int WINDOW_CONTEXT = 4;

    private Linearizability() {
    }

    public enum Verdict { LINEARIZABLE, NOT_LINEARIZABLE, UNDECIDED }

    /**
     * The outcome; for a history that is not linearizable (or could not be decided), the key and a window of
     * operations around the point where every order failed, ordered by invocation.
     */
    public record Result(Verdict verdict, String key, List<Operation> window, String explanation) {

        public boolean isLinearizable() {
            return verdict == Verdict.LINEARIZABLE;
        }

        @Override
        public String toString() {
            return explanation;
        }
    }

    public static Result check(History history) {
        return check(history.operations(), DEFAULT_STEP_BUDGET);
    }

    public static Result check(Collection<Operation> operations) {
        return check(operations, DEFAULT_STEP_BUDGET);
    }

    /** Checks every key; the first key that is not linearizable decides, an undecided key only if none is. */
    public static Result check(Collection<Operation> operations, long stepBudgetPerKey) {
        Map<String, List<Operation>> byKey = operations.stream().collect(Collectors.groupingBy(Operation::key,
                TreeMap::new, Collectors.toList()));
        Result undecided = null;
        for (Map.Entry<String, List<Operation>> e : byKey.entrySet()) {
            Result result = new KeySearch(e.getKey(), e.getValue()).run(stepBudgetPerKey);
            if (result.verdict() == Verdict.NOT_LINEARIZABLE) {
                return result;
            }
            if (result.verdict() == Verdict.UNDECIDED && undecided == null) {
                undecided = result;
            }
        }
        return undecided != null ? undecided : new Result(Verdict.LINEARIZABLE, null, List.of(),
                "linearizable: " + operations.size() + " operations on " + byKey.size() + " keys");
    }

    /** One event of the search list: the call or the return of an operation. */
    private static final class Event {
        final int id;
        final boolean call;
        final long time;
        Event match;
        Event prev;
        Event next;

        Event(int id, boolean call, long time) {
            this.id = id;
            this.call = call;
            this.time = time;
        }
    }

    /** A linearized operation on the search stack, with the register value before it. */
    private record Frame(Event call, String before) {
    }

    private record Seen(BitSet linearized, String value) {
    }

    /** The search over one key's operations. */
    private static final class KeySearch {

        private final String key;
        private final List<Operation> ops;
        private final Event head = new Event(-1, false, Long.MIN_VALUE);
        private int knownRemaining;

        private int deepest = -1;
        private List<Operation> deepestOrder = List.of();
        private Operation deepestBlocked;
        private List<Operation> deepestOpen = List.of();
        private String deepestValue;

        KeySearch(String key, List<Operation> all) {
            this.key = key;
            this.ops = relevant(all);
            List<Event> events = new ArrayList<>(2 * ops.size());
            for (int id = 0; id < ops.size(); id++) {
                Event call = new Event(id, true, ops.get(id).invoke());
                Event ret = new Event(id, false, ops.get(id).complete());
                call.match = ret;
                events.add(call);
                events.add(ret);
                if (ops.get(id).outcomeKnown()) {
                    knownRemaining++;
                }
            }
            // at equal times calls come first: operations that touch are treated as concurrent, never as ordered
            events.sort(Comparator.comparingLong((Event e) -> e.time).thenComparing(e -> !e.call)
                    .thenComparingInt(e -> e.id));
            Event last = head;
            for (Event e : events) {
                last.next = e;
                e.prev = last;
                last = e;
            }
        }

        private static List<Operation> relevant(List<Operation> all) {
            Set<String> seen = all.stream().filter(o -> o.type() == Operation.Type.GET && o.outcomeKnown())
                    .map(Operation::value).filter(Objects::nonNull).collect(Collectors.toSet());
            return all.stream().filter(o -> o.type() == Operation.Type.GET ? o.outcomeKnown()
                    : o.outcomeKnown() || seen.contains(o.value())).sorted(Comparator.comparingLong(Operation::invoke))
                    .collect(Collectors.toList());
        }

        Result run(long stepBudget) {
            String value = null; // every key starts absent
            BitSet linearized = new BitSet(ops.size());
            Set<Seen> cache = new HashSet<>();
            Deque<Frame> stack = new ArrayDeque<>();
            Event event = head.next;
            long steps = 0;
            while (knownRemaining > 0) {
                if (++steps > stepBudget) {
                    return undecided(stepBudget);
                }
                if (event.call) {
                    Operation op = ops.get(event.id);
                    if (allows(value, op)) {
                        String after = apply(value, op);
                        linearized.set(event.id);
                        if (cache.add(new Seen((BitSet) linearized.clone(), after))) {
                            stack.push(new Frame(event, value));
                            value = after;
                            lift(event);
                            event = head.next;
                            continue;
                        }
                        linearized.clear(event.id);
                    }
                    event = event.next;
                } else {
                    noteDeadEnd(event, stack, value);
                    if (stack.isEmpty()) {
                        return notLinearizable();
                    }
                    Frame top = stack.pop();
                    value = top.before();
                    linearized.clear(top.call().id);
                    unlift(top.call());
                    event = top.call().next;
                }
            }
            return new Result(Verdict.LINEARIZABLE, key, List.of(), "linearizable: " + ops.size() + " operations");
        }

        private static boolean allows(String value, Operation op) {
            return op.type() == Operation.Type.PUT || Objects.equals(value, op.value());
        }

        private static String apply(String value, Operation op) {
            return op.type() == Operation.Type.PUT ? op.value() : value;
        }

        /** Takes an operation's call and return out of the list (dancing links: {@link #unlift} restores them). */
        private void lift(Event call) {
            call.prev.next = call.next;
            call.next.prev = call.prev;
            Event ret = call.match;
            ret.prev.next = ret.next;
            if (ret.next != null) {
                ret.next.prev = ret.prev;
            }
            if (ops.get(call.id).outcomeKnown()) {
                knownRemaining--;
            }
        }

        private void unlift(Event call) {
            Event ret = call.match;
            ret.prev.next = ret;
            if (ret.next != null) {
                ret.next.prev = ret;
            }
            call.prev.next = call;
            call.next.prev = call;
            if (ops.get(call.id).outcomeKnown()) {
                knownRemaining++;
            }
        }

        /** Remembers the dead end with the longest linearized prefix: the best place to show a human. */
        private void noteDeadEnd(Event blockedReturn, Deque<Frame> stack, String value) {
            if (stack.size() <= deepest) {
                return;
            }
            deepest = stack.size();
            List<Operation> order = new ArrayList<>(stack.size());
            for (Iterator<Frame> it = stack.descendingIterator(); it.hasNext(); ) {
                order.add(ops.get(it.next().call().id));
            }
            deepestOrder = order;
            deepestBlocked = ops.get(blockedReturn.id);
            List<Operation> open = new ArrayList<>();
            for (Event e = head.next; e != blockedReturn; e = e.next) {
                if (e.call && e.id != blockedReturn.id) {
                    open.add(ops.get(e.id));
                }
            }
            deepestOpen = open;
            deepestValue = value;
        }

        private Result notLinearizable() {
            Set<Operation> window = new LinkedHashSet<>();
            int lastPut = -1;
            for (int i = 0; i < deepestOrder.size(); i++) {
                if (deepestOrder.get(i).type() == Operation.Type.PUT) {
                    lastPut = i;
                }
            }
            int from = Math.max(lastPut < 0 ? 0 : lastPut, deepestOrder.size() - WINDOW_CONTEXT);
            if (lastPut >= 0) {
                window.add(deepestOrder.get(lastPut));
            }
            window.addAll(deepestOrder.subList(from, deepestOrder.size()));
            List<Operation> writers = writersOf(deepestBlocked);
            window.addAll(writers);
            window.addAll(deepestOpen);
            window.add(deepestBlocked);
            List<Operation> sorted = new ArrayList<>(window);
            sorted.sort(Comparator.comparingLong(Operation::invoke));
            return new Result(Verdict.NOT_LINEARIZABLE, key, sorted, explain(sorted, writers));
        }

        /** The puts that wrote the value a blocked get read (none: a value nobody wrote, or a put). */
        private List<Operation> writersOf(Operation blocked) {
            if (blocked.type() != Operation.Type.GET || blocked.value() == null) {
                return List.of();
            }
            return ops.stream().filter(o -> o.type() == Operation.Type.PUT && o.value().equals(blocked.value()))
                    .collect(Collectors.toList());
        }

        private String explain(List<Operation> window, List<Operation> writers) {
            StringBuilder text = new StringBuilder("not linearizable: key ").append(key).append(" (")
                    .append(ops.size()).append(" operations). The longest order found linearizes ").append(deepest)
                    .append(" of them, leaving the register ")
                    .append(deepestValue == null ? "absent" : "holding \"" + deepestValue + "\"").append("; then ")
                    .append(deepestBlocked).append(" completed, but it cannot take effect there");
            if (deepestBlocked.type() == Operation.Type.GET && deepestBlocked.value() != null && writers.isEmpty()) {
                text.append(" (no put ever wrote the value it read)");
            }
            text.append(" and no still-open operation can take effect before it. Window (times relative to the"
                    + " first):\n");
            long origin = window.get(0).invoke();
            for (Operation op : window) {
                text.append(op == deepestBlocked ? "  >> " : "     ").append(op.describe(origin)).append('\n');
            }
            return text.toString();
        }

        private Result undecided(long stepBudget) {
            return new Result(Verdict.UNDECIDED, key, List.of(), "undecided: key " + key + " (" + ops.size()
                    + " operations) needs more than " + stepBudget + " search steps; record a shorter history or"
                    + " fewer concurrent clients");
        }
    }
}
