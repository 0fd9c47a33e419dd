package dev.cairn.datastore.api;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.junit.Test;

/** etcd's compare rules, which every backend that evaluates txns itself takes from {@link Compare#holds}. */
public class CompareTest {
    private static final KeyRange RANGE = KeyRange.prefix(Bytes.utf8("k"));
    private static final KeyValue A = new KeyValue(Bytes.utf8("ka"), 2, 5, 2, Bytes.utf8("x"), 0);
    private static final KeyValue B = new KeyValue(Bytes.utf8("kb"), 3, 3, 1, Bytes.utf8("y"), 7);

    @Test
    public void aMissingKeyComparesAsZeroButNeverByValue() {
        assertTrue(Compare.number(RANGE, Compare.Target.VERSION, Compare.Result.EQUAL, 0).holds(List.of()));
        assertTrue(Compare.number(RANGE, Compare.Target.CREATE, Compare.Result.LESS, 1).holds(List.of()));
        assertFalse(Compare.number(RANGE, Compare.Target.MOD, Compare.Result.GREATER, 0).holds(List.of()));
        assertFalse(Compare.value(RANGE, Compare.Result.EQUAL, Bytes.EMPTY).holds(List.of()));
        assertFalse(Compare.value(RANGE, Compare.Result.NOT_EQUAL, Bytes.utf8("x")).holds(List.of()));
    }

    @Test
    public void everyKeyOfTheRangeMustSatisfyIt() {
        assertTrue(Compare.number(RANGE, Compare.Target.MOD, Compare.Result.GREATER, 2).holds(List.of(A, B)));
        assertFalse(Compare.number(RANGE, Compare.Target.MOD, Compare.Result.GREATER, 3).holds(List.of(A, B)));
        assertTrue(Compare.number(RANGE, Compare.Target.LEASE, Compare.Result.NOT_EQUAL, 7).holds(List.of(A)));
        assertFalse(Compare.number(RANGE, Compare.Target.LEASE, Compare.Result.NOT_EQUAL, 7).holds(List.of(A, B)));
    }

    @Test
    public void valuesCompareAsUnsignedBytes() {
        KeyValue high = new KeyValue(Bytes.utf8("kc"), 4, 4, 1, new byte[] {(byte) 0xff}, 0);
        assertTrue(Compare.value(RANGE, Compare.Result.GREATER, new byte[] {0x7f}).holds(List.of(high)));
        assertTrue(Compare.value(RANGE, Compare.Result.EQUAL, Bytes.utf8("x")).holds(List.of(A)));
        assertTrue(Compare.value(RANGE, Compare.Result.LESS, Bytes.utf8("z")).holds(List.of(A, B)));
    }
}
