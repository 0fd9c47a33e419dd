package dev.cairn.datastore.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Byte-string helpers with etcd's conventions: keys compare as unsigned bytes (memcmp order). */
public final class Bytes {
    public static final byte[] EMPTY = new byte[0];

    private Bytes() {
    }

    public static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The smallest key greater than every key with this prefix: the prefix with its last byte below 0xff
     * incremented after trailing 0xff bytes are dropped; {@code "\0"} (all keys) when every byte is 0xff.
     */
    public static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if ((prefix[i] & 0xff) < 0xff) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return new byte[] {0};
    }

    /** Printable form for logs and messages: UTF-8 where printable, hex escapes elsewhere. */
    public static String show(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            int c = x & 0xff;
            if (c >= 0x20 && c < 0x7f) {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        return sb.toString();
    }
}
