package dev.cairn.datastore.api;

import java.util.Arrays;

/**
 * A key interval with etcd's conventions (Range, DeleteRange, Watch and Compare all use them).
 *
 * <ul>
 * <li>{@code end} empty: the single key {@code key};</li>
 * <li>{@code end = "\0"}: every key {@code >= key} ({@code key = "\0"} as well: every key);</li>
 * <li>otherwise the half-open interval {@code [key, end)}, empty when {@code end <= key}.</li>
 * </ul>
 */
public record KeyRange(byte[] key, byte[] end) {

    public KeyRange {
        key = key == null ? Bytes.EMPTY : key;
        end = end == null ? Bytes.EMPTY : end;
    }

    public static KeyRange single(byte[] key) {
        return new KeyRange(key, Bytes.EMPTY);
    }

    public static KeyRange prefix(byte[] prefix) {
        return prefix.length == 0 ? all() : new KeyRange(prefix, Bytes.prefixEnd(prefix));
    }

    public static KeyRange fromKey(byte[] key) {
        return new KeyRange(key, new byte[] {0});
    }

    public static KeyRange all() {
        return new KeyRange(new byte[] {0}, new byte[] {0});
    }

    public boolean isSingleKey() {
        return end.length == 0;
    }

    /** True when the interval has no upper bound ({@code end = "\0"}). */
    public boolean isUnbounded() {
        return end.length == 1 && end[0] == 0;
    }

    /** True for an interval that can hold no key ({@code end <= key}, not a single key, not unbounded). */
    public boolean isEmpty() {
        return !isSingleKey() && !isUnbounded() && Bytes.compare(end, key) <= 0;
    }

    public boolean contains(byte[] k) {
        if (isSingleKey()) {
            return Arrays.equals(key, k);
        }
        if (Bytes.compare(k, key) < 0) {
            return false;
        }
        return isUnbounded() || Bytes.compare(k, end) < 0;
    }

    /** True when the two intervals share at least one key. */
    public boolean overlaps(KeyRange o) {
        if (isEmpty() || o.isEmpty()) {
            return false;
        }
        if (isSingleKey()) {
            return o.contains(key);
        }
        if (o.isSingleKey()) {
            return contains(o.key);
        }
        boolean thisEndsBeforeOther = !isUnbounded() && Bytes.compare(end, o.key) <= 0;
        boolean otherEndsBeforeThis = !o.isUnbounded() && Bytes.compare(o.end, key) <= 0;
        return !thisEndsBeforeOther && !otherEndsBeforeThis;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyRange r && Arrays.equals(key, r.key) && Arrays.equals(end, r.end);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key) * 31 + Arrays.hashCode(end);
    }

    @Override
    public String toString() {
        return "[" + Bytes.show(key) + ", " + Bytes.show(end) + ")";
    }
}
