package dev.cairn.datastore.sqlite;

import dev.cairn.datastore.spi.BackendSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The {@code state.db} file: where it is, the checks made before SQLite touches it, and how its connections are
 * opened. An existing file that is not a sound Cairn store is refused and left exactly as it was.
 */
final class DatabaseFile {
    static final String FILE_NAME = "state.db";
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int HEADER_SIZE = 100;

    private final Path path;

    DatabaseFile(Path path) {
        this.path = path.toAbsolutePath().normalize();
    }

    /** {@code sqlite:<path>} from the endpoint when given (also {@code sqlite://<path>}), else dbDir/state.db. */
    static DatabaseFile of(BackendSettings settings) {
        String endpoint = settings.endpoint();
        if (endpoint.isEmpty()) {
            return new DatabaseFile(settings.dbDir().resolve(FILE_NAME));
        }
        if (!endpoint.startsWith("sqlite:")) {
            throw new IllegalArgumentException("datastore-endpoint '" + endpoint
                    + "' is not a SQLite endpoint; write it as sqlite:<path of the database file>");
        }
        String p = endpoint.substring("sqlite:".length());
        if (p.startsWith("//")) {
            p = p.substring(2);
        }
        int query = p.indexOf('?');
        if (query >= 0) {
            p = p.substring(0, query);
        }
        if (p.isEmpty()) {
            throw new IllegalArgumentException("datastore-endpoint '" + endpoint
                    + "' names no file; write it as sqlite:<path of the database file>");
        }
        return new DatabaseFile(Path.of(p));
    }

    Path path() {
        return path;
    }

    Path directory() {
        return path.getParent();
    }

    /** Creates the directory (mode 0700) if missing and checks that this process can write to it. */
    void prepareDirectory() {
        Path dir = directory();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalStateException("datastore directory " + dir
                    + " exists but is not a directory; remove it or choose another --data-dir");
        }
        if (!Files.exists(dir)) {
            try {
                Files.createDirectories(dir);
                restrictToOwner(dir);
            } catch (IOException e) {
                throw new IllegalStateException("cannot create datastore directory " + dir + ": " + describe(e)
                        + "; check the permissions of its parent or choose another --data-dir", e);
            }
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalStateException("datastore directory " + dir + " is not writable by user "
                    + System.getProperty("user.name") + "; fix its ownership or permissions (chown/chmod) or"
                    + " choose another --data-dir");
        }
    }

    private static void restrictToOwner(Path dir) throws IOException {
        try {
            Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rwx------");
            Files.setPosixFilePermissions(dir, owner);
        } catch (UnsupportedOperationException notPosix) {
            // a non-POSIX file system has its own access control
        }
    }

    /** True when there is no store yet (no file, or an empty one SQLite will initialise). */
    boolean isNew() throws IOException {
        return !Files.exists(path) || (Files.isRegularFile(path) && Files.size(path) == 0);
    }

    /**
     * Refuses a file that cannot be a sound SQLite database before SQLite opens it for writing: a directory, a
     * file without the SQLite header, a truncated file (shorter than its header says), an unreadable file.
     */
    void checkBeforeOpen() {
        if (!Files.exists(path)) {
            return;
        }
        if (!Files.isRegularFile(path)) {
            throw refused("it is not a regular file", null);
        }
        if (!Files.isReadable(path) || !Files.isWritable(path)) {
            throw refused("it is not readable and writable by user " + System.getProperty("user.name")
                    + "; fix its ownership or permissions", null);
        }
        try {
            long size = Files.size(path);
            if (size == 0) {
                return;
            }
            byte[] header = new byte[HEADER_SIZE];
            int n;
            try (InputStream in = Files.newInputStream(path)) {
                n = in.readNBytes(header, 0, HEADER_SIZE);
            }
            if (n < HEADER_SIZE || !startsWithMagic(header)) {
                throw refused("it is not a SQLite database (no SQLite header)", null);
            }
            int pageSize = ((header[16] & 0xff) << 8) | (header[17] & 0xff);
            pageSize = pageSize == 1 ? 65536 : pageSize;
            if (pageSize < 512 || Integer.bitCount(pageSize) != 1) {
                throw refused("its header names an invalid page size " + pageSize, null);
            }
            if (size % pageSize != 0) {
                throw refused("it is truncated (" + size + " bytes is not a whole number of " + pageSize
                        + "-byte pages)", null);
            }
            long pages = u32(header, 28);
            boolean pagesValid = u32(header, 24) == u32(header, 92);
            if (pagesValid && pages * pageSize > size) {
                throw refused("it is truncated (" + size + " bytes, the header says " + pages * pageSize + ")",
                        null);
            }
        } catch (IOException e) {
            throw refused("it cannot be read: " + describe(e), e);
        }
    }

    /**
     * Reads the store's schema through a read-only connection, so that a broken file is refused before anything
     * writes to it. Returns the schema version, or 0 when the database has no tables yet.
     */
    int probeSchemaVersion() {
        // without a WAL to read (a clean shutdown) the file is read as immutable, which leaves no -wal or -shm file
        // beside a store that is then refused; after a crash the WAL may hold commits, so it is read normally
        Path wal = path.resolveSibling(path.getFileName() + "-wal");
        boolean noWal;
        try {
            noWal = !Files.exists(wal) || Files.size(wal) == 0;
        } catch (IOException e) {
            noWal = false;
        }
        try (Statements probe = noWal ? openImmutable(path) : new Statements(open(readOnlyConfig()))) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = probe.get("SELECT name FROM sqlite_master WHERE type = 'table'").executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            if (tables.isEmpty()) {
                return 0;
            }
            if (!tables.contains("meta") || !tables.contains("log") || !tables.contains("latest")) {
                throw refused("it is a SQLite database but not a Cairn datastore (tables " + tables + ")", null);
            }
            int version = Meta.read(probe).schemaVersion();
            probe.queryLong("SELECT COUNT(*) FROM latest");
            probe.queryLong("SELECT COUNT(*) FROM leases");
            if (version > Schema.VERSION) {
                // not refused(): its advice (restore a snapshot, or move the file away) would lose a newer store
                throw new NewerStoreException("cannot open the SQLite datastore " + path + ": it was written by a"
                        + " newer Cairn (store schema version " + version + "; this Cairn reads versions 1 to "
                        + Schema.VERSION + "). The file was not modified; run the Cairn release that wrote it, or a"
                        + " newer one");
            }
            if (version < 1) {
                throw refused("it has an invalid schema version " + version, null);
            }
            return version;
        } catch (SQLException e) {
            throw refused("SQLite cannot read it: " + e.getMessage(), e);
        }
    }

    private static SQLiteConfig readOnlyConfig() {
        SQLiteConfig c = new SQLiteConfig();
        c.setReadOnly(true);
        c.setBusyTimeout(10_000);
        return c;
    }

    /**
     * The one connection that writes: WAL, and a full fsync of the WAL on every commit; for a Raft replica
     * ({@code replica}) no fsync per commit, because the Raft log is the durable record.
     */
    Statements openWriter(boolean replica) throws SQLException {
        SQLiteConfig c = new SQLiteConfig();
        c.setJournalMode(SQLiteConfig.JournalMode.WAL);
        c.setSynchronous(replica ? SQLiteConfig.SynchronousMode.NORMAL : SQLiteConfig.SynchronousMode.FULL);
        // no statement here reads generated keys; the driver would otherwise prepare and run
        // "SELECT last_insert_rowid()" after every INSERT (a tenth of the writer's time under load)
        c.setGetGeneratedKeys(false);
        c.setBusyTimeout(10_000);
        c.setCacheSize(-16_384);
        c.setPragma(SQLiteConfig.Pragma.JOURNAL_SIZE_LIMIT, String.valueOf(64L * 1024 * 1024));
        Statements s = new Statements(open(c));
        String mode = null;
        try (ResultSet rs = s.get("PRAGMA journal_mode").executeQuery()) {
            if (rs.next()) {
                mode = rs.getString(1);
            }
            Statements.finish(rs);
        }
        if (!"wal".equalsIgnoreCase(mode)) {
            s.close();
            throw new SQLException(path + " could not be switched to WAL mode (journal_mode=" + mode
                    + "); the directory must allow creating " + path.getFileName() + "-wal and -shm files");
        }
        return s;
    }

    /** A connection for reads; it never writes, and sees one committed snapshot per transaction. */
    Statements openReader() throws SQLException {
        SQLiteConfig c = readOnlyConfig();
        c.setCacheSize(-4_096);
        return new Statements(open(c));
    }

    /**
     * A read-only connection that treats {@code file} as immutable: SQLite takes no lock and creates no -wal or -shm
     * file, and ignores a WAL (so only for a file whose WAL is empty or absent).
     */
    static Statements openImmutable(Path file) throws SQLException {
        SQLiteDataSource source = new SQLiteDataSource(readOnlyConfig());
        // a URI (percent-encoded path) so that SQLite takes the immutable parameter
        source.setUrl("jdbc:sqlite:" + file.toAbsolutePath().toUri() + "?immutable=1");
        return new Statements(source.getConnection());
    }

    /** A read-only connection to another database file (a snapshot copy). */
    static Statements openReadOnly(Path file) throws SQLException {
        return new Statements(open(file, readOnlyConfig()));
    }

    private Connection open(SQLiteConfig config) throws SQLException {
        return open(path, config);
    }

    private static Connection open(Path file, SQLiteConfig config) throws SQLException {
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + file);
        return ds.getConnection();
    }

    /** The exception for a store that must not be opened; it always says the file was left as it was. */
    IllegalStateException refused(String why, Throwable cause) {
        return new IllegalStateException("cannot open the SQLite datastore " + path + ": " + why
                + ". The file was not modified; restore it from a snapshot or move it away to start an empty"
                + " store", cause);
    }

    private static boolean startsWithMagic(byte[] header) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (header[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static long u32(byte[] b, int off) {
        return ((long) (b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8)
                | (b[off + 3] & 0xff);
    }

    static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
