package dev.cairn.datastore.raft;

import dev.cairn.datastore.api.KeyRange;
import dev.cairn.datastore.api.KeyValue;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The primitives of the binary formats of log entries, replies and queries (big-endian, length-prefixed). */
final class Wire {
    private Wire() {
    }

    /** An output buffer; {@code bytes()} when done. */
    static final class Out {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64);
        final DataOutputStream data = new DataOutputStream(buffer);

        Out u8(int v) {
            try {
                data.writeByte(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Out i64(long v) {
            try {
                data.writeLong(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Out bool(boolean v) {
            return u8(v ? 1 : 0);
        }

        /** Bytes with their length; null is length -1. */
        Out bytes(byte[] b) {
            try {
                if (b == null) {
                    data.writeInt(-1);
                } else {
                    data.writeInt(b.length);
                    data.write(b);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Out text(String s) {
            return bytes(s == null ? null : s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        Out count(int n) {
            try {
                data.writeInt(n);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Out range(KeyRange r) {
            return bytes(r.key()).bytes(r.end());
        }

        /** A key-value, or null. */
        Out kv(KeyValue kv) {
            if (kv == null) {
                return bool(false);
            }
            return bool(true).bytes(kv.key()).i64(kv.createRevision()).i64(kv.modRevision()).i64(kv.version())
                    .bytes(kv.value()).i64(kv.lease());
        }

        Out kvs(List<KeyValue> kvs) {
            count(kvs.size());
            for (KeyValue kv : kvs) {
                kv(kv);
            }
            return this;
        }

        byte[] bytes() {
            return buffer.toByteArray();
        }
    }

    /** An input over a byte array; a short or malformed input is an {@link IllegalArgumentException}. */
    static final class In {
        private final DataInputStream data;

        In(byte[] b) {
            this.data = new DataInputStream(new java.io.ByteArrayInputStream(b));
        }

        int u8() {
            try {
                return data.readUnsignedByte();
            } catch (IOException e) {
                throw malformed(e);
            }
        }

        long i64() {
            try {
                return data.readLong();
            } catch (IOException e) {
                throw malformed(e);
            }
        }

        boolean bool() {
            return u8() != 0;
        }

        /** The bytes not read yet. */
        int remaining() {
            try {
                return data.available();
            } catch (IOException e) {
                throw malformed(e);
            }
        }

        int count() {
            try {
                int n = data.readInt();
                if (n < 0) {
                    throw new IllegalArgumentException("negative count " + n);
                }
                return n;
            } catch (IOException e) {
                throw malformed(e);
            }
        }

        byte[] bytes() {
            try {
                int n = data.readInt();
                if (n < 0) {
                    return null;
                }
                return data.readNBytes(n);
            } catch (IOException e) {
                throw malformed(e);
            }
        }

        String text() {
            byte[] b = bytes();
            return b == null ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
        }

        KeyRange range() {
            return new KeyRange(bytes(), bytes());
        }

        KeyValue kv() {
            if (!bool()) {
                return null;
            }
            return new KeyValue(bytes(), i64(), i64(), i64(), bytes(), i64());
        }

        List<KeyValue> kvs() {
            int n = count();
            List<KeyValue> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(kv());
            }
            return list;
        }

        private static IllegalArgumentException malformed(IOException e) {
            return new IllegalArgumentException("malformed message: " + e, e);
        }
    }
}
