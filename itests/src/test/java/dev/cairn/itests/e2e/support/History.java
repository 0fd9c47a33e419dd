package dev.cairn.itests.e2e.support;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/** The operations several clients performed, recorded concurrently, in the order they were recorded. */
public final class History {

    private final ConcurrentLinkedQueue<Operation> operations = new ConcurrentLinkedQueue<>();

    public History() {
    }

    public History(Collection<Operation> initial) {
        operations.addAll(initial);
    }

    public void add(Operation operation) {
        operations.add(operation);
    }

    public int size() {
        return operations.size();
    }

    /** All operations, ordered by invocation time. */
    public List<Operation> operations() {
        List<Operation> list = new ArrayList<>(operations);
        list.sort(Comparator.comparingLong(Operation::invoke));
        return list;
    }

    /** The operations of each key, ordered by invocation time; keys in natural order. */
    public Map<String, List<Operation>> byKey() {
        return operations().stream().collect(Collectors.groupingBy(Operation::key, TreeMap::new,
                Collectors.toList()));
    }

    public long count(Operation.Type type, boolean outcomeKnown) {
        return operations.stream().filter(o -> o.type() == type && o.outcomeKnown() == outcomeKnown).count();
    }

    /** For logs and assertion messages: how many operations of each kind. */
    public String summary() {
        return size() + " operations: " + count(Operation.Type.PUT, true) + " puts, "
                + count(Operation.Type.PUT, false) + " puts with unknown outcome, " + count(Operation.Type.GET, true)
                + " gets, on " + byKey().size() + " keys";
    }
}
