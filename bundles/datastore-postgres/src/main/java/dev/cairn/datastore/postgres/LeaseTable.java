package dev.cairn.datastore.postgres;

import dev.cairn.datastore.api.Lease;
import dev.cairn.datastore.api.StoreError;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The lease table. A lease's deadline is kept in the database's clock ({@code expiry_ms}), so every server sharing
 * the store agrees on when it expires, whatever their own clocks say. Granting and renewing need no revision and go
 * straight to the database; revoking deletes keys and goes through the writer ({@link Mutations#revoke}).
 */
final class LeaseTable {
    private static final int ID_ATTEMPTS = 8;

    private final Tables t;

    LeaseTable(Tables t) {
        this.t = t;
    }

    /** Grants {@code id} (0: a fresh random positive id) with the TTL already checked against the bounds. */
    Lease grant(Connection c, long id, long ttl) throws SQLException {
        String sql = "INSERT INTO " + t.lease() + " (id, ttl, expiry_ms) VALUES (?, ?, " + Tables.NOW_MS
                + " + ? * 1000) ON CONFLICT (id) DO NOTHING RETURNING id";
        for (int attempt = 0; attempt < ID_ATTEMPTS; attempt++) {
            long candidate = id != 0 ? id : ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setLong(1, candidate);
                s.setLong(2, ttl);
                s.setLong(3, ttl);
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        return new Lease(candidate, ttl, ttl, List.of());
                    }
                }
            }
            if (id != 0) {
                throw StoreError.LEASE_EXISTS.exception();
            }
        }
        throw new SQLException("no free lease id after " + ID_ATTEMPTS + " random picks");
    }

    /** Renews a lease to its full TTL; 0 when it does not exist or has expired already. */
    long keepAlive(Connection c, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE " + t.lease() + " SET expiry_ms = " + Tables.NOW_MS
                + " + ttl * 1000 WHERE id = ? AND expiry_ms > " + Tables.NOW_MS + " RETURNING ttl")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** The lease with its remaining seconds (rounded up; 0 once past its deadline but not yet revoked). */
    Lease timeToLive(Connection c, long id, boolean withKeys) throws SQLException {
        long ttl;
        long remainingMs;
        try (PreparedStatement s = c.prepareStatement("SELECT ttl, expiry_ms - " + Tables.NOW_MS + " FROM "
                + t.lease() + " WHERE id = ?")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Lease.notFound(id);
                }
                ttl = rs.getLong(1);
                remainingMs = rs.getLong(2);
            }
        }
        List<byte[]> keys = new ArrayList<>();
        if (withKeys) {
            try (PreparedStatement s = c.prepareStatement("SELECT key FROM " + t.current()
                    + " WHERE lease = ? ORDER BY key")) {
                s.setLong(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        keys.add(rs.getBytes(1));
                    }
                }
            }
        }
        long remaining = remainingMs <= 0 ? 0 : (remainingMs + 999) / 1000;
        return new Lease(id, remaining, ttl, keys);
    }

    List<Long> ids(Connection c) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM " + t.lease() + " ORDER BY id");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    /** Leases past their deadline, the longest overdue first. */
    List<Long> expired(Connection c, int limit) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM " + t.lease() + " WHERE expiry_ms <= "
                + Tables.NOW_MS + " ORDER BY expiry_ms LIMIT ?")) {
            s.setInt(1, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    long count(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + t.lease());
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
