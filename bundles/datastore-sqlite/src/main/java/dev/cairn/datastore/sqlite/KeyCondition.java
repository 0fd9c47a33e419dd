package dev.cairn.datastore.sqlite;

import dev.cairn.datastore.api.KeyRange;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A {@link KeyRange} as a SQL condition on a BLOB key column. SQLite compares BLOBs with memcmp, which is etcd's
 * unsigned byte order, so ranges map directly onto index ranges.
 */
final class KeyCondition {
    private KeyCondition() {
    }

    /**
     * The condition text for {@code column}. {@code indexable} false prefixes the column with {@code +}, which tells
     * SQLite not to drive the query from the key index (used where another index must lead).
     */
    static String sql(KeyRange range, String column, boolean indexable) {
        String c = indexable ? column : "+" + column;
        if (range.isSingleKey()) {
            return column + " = ?";
        }
        if (range.isUnbounded()) {
            return c + " >= ?";
        }
        return c + " >= ? AND " + c + " < ?";
    }

    /** Binds the range's bounds starting at {@code index}; returns the next free parameter index. */
    static int bind(PreparedStatement ps, int index, KeyRange range) throws SQLException {
        ps.setBytes(index++, range.key());
        if (!range.isSingleKey() && !range.isUnbounded()) {
            ps.setBytes(index++, range.end());
        }
        return index;
    }
}
