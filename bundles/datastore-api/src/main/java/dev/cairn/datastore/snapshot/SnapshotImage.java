package dev.cairn.datastore.snapshot;

import java.io.IOException;
import java.io.FilterOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The snapshot file format, the one etcd's Snapshot RPC streams: the store image (a SQLite database file), zero
 * bytes up to a multiple of {@value #ALIGN}, then the SHA-256 of everything before it. {@code etcdctl snapshot save}
 * against Cairn writes exactly this, so its files restore like Cairn's own; a zipped snapshot holds one such file.
 *
 * <p>The container has no version field of its own (etcdctl reads it as it is); the format version of a snapshot is
 * that of the store image inside it, which whoever restores it checks before anything is replaced.
 */
public final class SnapshotImage {
    /** etcdctl checks {@code size % 512 == 32}. */
    public static final int ALIGN = 512;
    public static final int CHECKSUM_BYTES = 32;
    public static final String ZIP_SUFFIX = ".zip";
    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private SnapshotImage() {
    }

    /**
     * Wraps the stream a store image is written to: {@link Sealer#seal()} then appends the padding and the
     * checksum of everything written, computed as it was written (the image is not read back).
     */
    public static Sealer sealing(OutputStream out) {
        return new Sealer(out);
    }

    /** An output stream that digests what passes through it; see {@link #sealing}. */
    public static final class Sealer extends FilterOutputStream {
        private final MessageDigest sha = sha256();
        private long written;

        private Sealer(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            sha.update((byte) b);
            written++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            sha.update(b, off, len);
            written += len;
        }

        /** Writes zero bytes up to a multiple of {@value #ALIGN} and the checksum; the stream stays open. */
        public void seal() throws IOException {
            byte[] zeros = new byte[(int) ((ALIGN - written % ALIGN) % ALIGN)];
            write(zeros, 0, zeros.length);
            out.write(sha.digest());
            out.flush();
        }
    }

    /** Replaces {@code file} by {@code file.zip} holding it as its one entry; returns the zip. */
    public static Path compress(Path file) throws IOException {
        Path zip = file.resolveSibling(file.getFileName() + ZIP_SUFFIX);
        Path partial = file.resolveSibling("." + zip.getFileName() + ".partial");
        try (OutputStream out = Files.newOutputStream(partial); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry(file.getFileName().toString()));
            Files.copy(file, z);
            z.closeEntry();
        }
        try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(partial, zip, StandardCopyOption.ATOMIC_MOVE);
        Files.delete(file);
        return zip;
    }

    /**
     * Checks a snapshot file and writes its store image (checksum and padding left as SQLite ignores them, but
     * verified) to {@code image}; a {@code .zip} is unpacked first.
     *
     * @throws SnapshotException naming the file and what is wrong with it
     */
    public static void extract(Path snapshot, Path image) throws IOException {
        if (!Files.exists(snapshot)) {
            throw new SnapshotException("snapshot path does not exist: " + snapshot);
        }
        if (Files.isDirectory(snapshot)) {
            throw new SnapshotException("snapshot path must be a file, not a directory: " + snapshot);
        }
        Files.deleteIfExists(image);
        if (snapshot.getFileName().toString().endsWith(ZIP_SUFFIX)) {
            unzip(snapshot, image);
        } else {
            Files.copy(snapshot, image);
        }
        verify(snapshot, image);
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - CHECKSUM_BYTES);
            ch.force(true);
        }
    }

    private static void unzip(Path zip, Path image) throws IOException {
        try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
            ZipEntry entry = z.getNextEntry();
            if (entry == null) {
                throw new SnapshotException("snapshot " + zip + " is an empty zip file; it must hold one snapshot");
            }
            Files.copy(z, image);
            if (z.getNextEntry() != null) {
                throw new SnapshotException("snapshot " + zip + " holds more than one file; it must hold exactly"
                        + " one snapshot");
            }
        } catch (java.util.zip.ZipException e) {
            throw new SnapshotException("snapshot " + zip + " is not a readable zip file: " + e.getMessage(), e);
        }
    }

    private static void verify(Path snapshot, Path image) throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < ALIGN + CHECKSUM_BYTES || size % ALIGN != CHECKSUM_BYTES) {
                throw new SnapshotException("snapshot " + snapshot + " is truncated or not a snapshot: its size ("
                        + size + " bytes) is not a multiple of " + ALIGN + " plus the " + CHECKSUM_BYTES
                        + "-byte SHA-256 trailer");
            }
            ByteBuffer header = ByteBuffer.allocate(SQLITE_HEADER.length);
            ch.read(header, 0);
            if (!Arrays.equals(header.array(), SQLITE_HEADER)) {
                throw new SnapshotException("snapshot " + snapshot + " does not hold a Cairn store (no SQLite"
                        + " header); snapshots of another etcd (bbolt) cannot be restored by Cairn");
            }
            MessageDigest sha = sha256();
            digest(ch, size - CHECKSUM_BYTES, sha);
            ByteBuffer stored = ByteBuffer.allocate(CHECKSUM_BYTES);
            ch.read(stored, size - CHECKSUM_BYTES);
            byte[] actual = sha.digest();
            if (!Arrays.equals(actual, stored.array())) {
                throw new SnapshotException("snapshot " + snapshot + " is corrupted: its SHA-256 is "
                        + HexFormat.of().formatHex(actual) + " but the file records "
                        + HexFormat.of().formatHex(stored.array()));
            }
        }
    }

    private static void digest(FileChannel ch, long length, MessageDigest sha) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long position = 0;
        while (position < length) {
            buf.clear().limit((int) Math.min(buf.capacity(), length - position));
            int n = ch.read(buf, position);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + position);
            }
            sha.update(buf.array(), 0, n);
            position += n;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
