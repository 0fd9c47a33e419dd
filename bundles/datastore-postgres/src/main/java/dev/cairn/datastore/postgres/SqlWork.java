package dev.cairn.datastore.postgres;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done on one connection, in whatever transaction the caller opened for it. */
@FunctionalInterface
interface SqlWork<T> {
    T run(Connection c) throws SQLException;
}
