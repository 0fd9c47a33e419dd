package dev.cairn.benchmarks;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.charset.StandardCharsets;

/**
 * etcd benchmark keys: an optional text prefix, then a zeroed buffer of {@code keySize} bytes holding the key
 * number as a Go {@code binary.PutVarint} (zig-zag varint). With {@code keySize} 0 the key is the prefix alone.
 */
final class KeyFormat {

    private final byte[] prefix;
    private final int keySize;

    KeyFormat(String prefix, int keySize) {
        if (keySize < 0) {
            throw new IllegalArgumentException("--key-size must not be negative, was " + keySize);
        }
        this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
        this.keySize = keySize;
        if (this.prefix.length + keySize == 0) {
            throw new IllegalArgumentException("keys would be empty: give --key-size > 0 or a --key-prefix");
        }
    }

    /** Fails up front, naming the flag, when the largest key number does not fit in --key-size bytes. */
    void checkFits(long largestKeyNumber, String spaceFlag) {
        if (keySize == 0 ? largestKeyNumber > 0 : varintLength(largestKeyNumber) > keySize) {
            throw new IllegalArgumentException("--key-size " + keySize + " cannot hold " + (largestKeyNumber + 1)
                    + " distinct keys (" + spaceFlag + "); raise --key-size to "
                    + Math.max(1, varintLength(largestKeyNumber)) + " or more");
        }
    }

    ByteString key(long number) {
        byte[] key = new byte[prefix.length + keySize];
        System.arraycopy(prefix, 0, key, 0, prefix.length);
        if (keySize > 0) {
            putVarint(key, prefix.length, number);
        }
        // The array is never touched again, so the ByteString may wrap it without a copy.
        return UnsafeByteOperations.unsafeWrap(key);
    }

    /** Go's binary.PutVarint: zig-zag, then 7 bits per byte, low first. */
    static int putVarint(byte[] buffer, int offset, long value) {
        long zigzag = (value << 1) ^ (value >> 63);
        int i = offset;
        while ((zigzag & ~0x7FL) != 0) {
            buffer[i++] = (byte) ((zigzag & 0x7F) | 0x80);
            zigzag >>>= 7;
        }
        buffer[i++] = (byte) zigzag;
        return i - offset;
    }

    static int varintLength(long value) {
        long zigzag = (value << 1) ^ (value >> 63);
        int length = 1;
        while ((zigzag & ~0x7FL) != 0) {
            zigzag >>>= 7;
            length++;
        }
        return length;
    }
}
