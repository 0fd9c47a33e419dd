package dev.cairn.launcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The data dir, created (mode 0700) if missing and locked for this process: an OS lock on
 * {@code <data-dir>/.lock} that holds for the life of the process and that the kernel releases if the process
 * dies, even by {@code kill -9}. The lock file holds the pid of its owner, for the "in use" message.
 */
final class DataDirLock implements AutoCloseable {

    static final String LOCK_FILE = ".lock";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final Path dataDir;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(Path dataDir, FileChannel channel, FileLock lock) {
        this.dataDir = dataDir;
        this.channel = channel;
        this.lock = lock;
    }

    /** Creates and locks {@code dataDir}, or explains why not (not writable, in use by pid N). */
    static DataDirLock acquire(Path dataDir) throws SettingsException {
        createDirectory(dataDir);
        probeWrite(dataDir);
        Path lockFile = dataDir.resolve(LOCK_FILE);
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw notWritable(dataDir, e);
        }
        try {
            FileLock lock = tryLock(channel);
            if (lock == null) {
                String owner = readOwner(channel);
                channel.close();
                throw new SettingsException("data dir " + dataDir + " is in use by another cairn process (pid "
                        + owner + ")");
            }
            writeOwner(channel);
            return new DataDirLock(dataDir, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw notWritable(dataDir, e);
        }
    }

    Path dataDir() {
        return dataDir;
    }

    /** Releases the lock (the kernel does the same when the process ends). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it as well
        }
        closeQuietly(channel);
    }

    private static void createDirectory(Path dataDir) throws SettingsException {
        try {
            if (Files.isDirectory(dataDir)) {
                return;
            }
            boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
            if (posix) {
                Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                Files.setPosixFilePermissions(dataDir, OWNER_ONLY);
            } else {
                Files.createDirectories(dataDir);
            }
        } catch (IOException e) {
            throw notWritable(dataDir, e);
        }
    }

    /** An existing lock file can be writable in a directory that is not: try what the server will do. */
    private static void probeWrite(Path dataDir) throws SettingsException {
        try {
            Files.delete(Files.createTempFile(dataDir, ".write-probe", ".tmp"));
        } catch (IOException e) {
            throw notWritable(dataDir, e);
        }
    }

    /** Null when another process holds the lock; an overlapping lock in this JVM counts as another holder. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static String readOwner(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
            return pid.matches("\\d+") ? pid : "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void writeOwner(FileChannel channel) throws IOException {
        byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(pid), 0);
        channel.force(true);
    }

    private static SettingsException notWritable(Path dataDir, IOException e) {
        return new SettingsException("data dir " + dataDir + " is not writable: " + reason(e)
                + "; choose another --data-dir or fix its permissions", e);
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied (" + ((AccessDeniedException) e).getFile() + ")";
        }
        if (e instanceof FileAlreadyExistsException || e instanceof NotDirectoryException) {
            return "not a directory (" + ((FileSystemException) e).getFile() + ")";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason().toLowerCase(java.util.Locale.ROOT) + " (" + fse.getFile() + ")";
        }
        return String.valueOf(e.getMessage());
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
