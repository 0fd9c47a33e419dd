package dev.cairn.datastore.postgres;

import dev.cairn.datastore.api.KeyRange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** A statement assembled from pieces, with its parameters bound in the order the pieces were added. */
final class Query {
    private final StringBuilder sql = new StringBuilder();
    private final List<Object> params = new ArrayList<>();

    Query sql(String text) {
        sql.append(text);
        return this;
    }

    Query param(Object value) {
        params.add(value);
        return this;
    }

    /** {@code sql} with one {@code ?}, and its value. */
    Query sql(String text, Object value) {
        return sql(text).param(value);
    }

    /**
     * The keys of {@code range} on {@code column}, with etcd's conventions: a single key, every key from {@code key}
     * on ({@code end = "\0"}), or the half-open interval; an interval whose end is not after its key holds nothing.
     * bytea compares as unsigned bytes, shorter first on a common prefix: etcd's key order.
     */
    Query keys(String column, KeyRange range) {
        if (range.isSingleKey()) {
            return sql(column + " = ?", range.key());
        }
        if (range.isUnbounded()) {
            return sql(column + " >= ?", range.key());
        }
        if (range.isEmpty()) {
            return sql("FALSE");
        }
        return sql(column + " >= ?", range.key()).sql(" AND " + column + " < ?", range.end());
    }

    PreparedStatement prepare(Connection c) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql.toString());
        try {
            for (int i = 0; i < params.size(); i++) {
                Object p = params.get(i);
                if (p instanceof byte[] b) {
                    s.setBytes(i + 1, b);
                } else if (p instanceof Long l) {
                    s.setLong(i + 1, l);
                } else if (p instanceof Integer n) {
                    s.setInt(i + 1, n);
                } else if (p instanceof Boolean b) {
                    s.setBoolean(i + 1, b);
                } else {
                    s.setString(i + 1, String.valueOf(p));
                }
            }
            return s;
        } catch (SQLException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public String toString() {
        return sql.toString();
    }
}
