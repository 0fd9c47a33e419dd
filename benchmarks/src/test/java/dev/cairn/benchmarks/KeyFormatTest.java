package dev.cairn.benchmarks;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import org.junit.Test;

public class KeyFormatTest {

    @Test
    public void encodesKeyNumbersLikeGoPutVarint() {
        assertArrayEquals(new byte[] {0, 0, 0, 0}, new KeyFormat("", 4).key(0).toByteArray());
        assertArrayEquals(new byte[] {2, 0, 0, 0}, new KeyFormat("", 4).key(1).toByteArray());
        assertArrayEquals(new byte[] {(byte) 0x80, 1, 0, 0}, new KeyFormat("", 4).key(64).toByteArray());
        assertArrayEquals(new byte[] {(byte) 0xC0, (byte) 0x9A, 0x0C, 0}, new KeyFormat("", 4).key(100_000).toByteArray());
        assertArrayEquals(new byte[] {1}, new KeyFormat("", 1).key(-1).toByteArray());
    }

    @Test
    public void putsThePrefixFirst() {
        assertArrayEquals(new byte[] {'p', '/', 2, 0}, new KeyFormat("p/", 2).key(1).toByteArray());
        assertEquals("range-key", new KeyFormat("range-key", 0).key(0).toStringUtf8());
    }

    @Test
    public void refusesAKeySpaceTheKeySizeCannotHold() {
        KeyFormat oneByte = new KeyFormat("", 1);
        oneByte.checkFits(63, "--key-space-size 64");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> oneByte.checkFits(64, "--key-space-size 65"));
        assertEquals("--key-size 1 cannot hold 65 distinct keys (--key-space-size 65); raise --key-size to 2 or more",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new KeyFormat("only", 0).checkFits(1, "x"));
        assertThrows(IllegalArgumentException.class, () -> new KeyFormat("", 0));
    }
}
