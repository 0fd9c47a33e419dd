package dev.cairn.datastore.postgres;

import dev.cairn.datastore.api.DatastoreException;
import dev.cairn.datastore.api.StoreError;
import java.sql.SQLException;

/**
 * Turns PostgreSQL's errors into messages that name the endpoint (password hidden) and say what to do. The
 * SQLSTATE classes used are PostgreSQL's documented ones: 08 connection exceptions, 28 authorization, 3D000 unknown
 * database, 42501 missing privilege, 57P03 a server still starting.
 */
final class PostgresErrors {
    static final String INVALID_PASSWORD = "28P01";
    static final String INVALID_AUTHORIZATION = "28000";
    static final String UNKNOWN_DATABASE = "3D000";
    static final String INSUFFICIENT_PRIVILEGE = "42501";
    static final String STARTING_UP = "57P03";

    private PostgresErrors() {
    }

    /** Why the store could not be opened, as the exception the selector reports and stops the server with. */
    static IllegalStateException atOpen(PostgresEndpoint endpoint, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String where = "PostgreSQL at " + endpoint.redacted() + " (--datastore-endpoint)";
        String message;
        if (state.equals(INVALID_PASSWORD) || state.equals(INVALID_AUTHORIZATION)) {
            message = where + " refused the credentials of user '" + endpoint.user() + "': " + firstLine(e)
                    + "; check the user and password in the endpoint (percent-encode special characters)";
        } else if (state.equals(UNKNOWN_DATABASE)) {
            message = "the database '" + endpoint.database() + "' does not exist on " + where + "; create it (CREATE"
                    + " DATABASE \"" + endpoint.database() + "\" OWNER \"" + endpoint.user() + "\") or name an"
                    + " existing one in the endpoint";
        } else if (state.startsWith("08") || state.isEmpty()) {
            message = "cannot reach " + where + ": " + firstLine(e) + "; check that the server runs and accepts"
                    + " TCP connections on that host and port";
        } else if (state.equals(INSUFFICIENT_PRIVILEGE)) {
            message = "user '" + endpoint.user() + "' may not create Cairn's tables in schema '" + endpoint.schema()
                    + "' of database '" + endpoint.database() + "' on " + where + ": " + firstLine(e) + "; grant it"
                    + " CREATE on the database (or the schema), or make it the database's owner";
        } else {
            message = "cannot open the datastore in " + where + ": " + firstLine(e) + " (SQLSTATE " + state + ")";
        }
        return new IllegalStateException(message, e);
    }

    /** A request that failed in the database: INTERNAL, with a message naming the endpoint and what was done. */
    static DatastoreException during(PostgresEndpoint endpoint, String what, SQLException e) {
        String state = e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")";
        return new DatastoreException(StoreError.INTERNAL, what + " failed on PostgreSQL at " + endpoint.redacted()
                + ": " + firstLine(e) + state, e);
    }

    /** True for errors after which the connection cannot be used again. */
    static boolean brokenConnection(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57P");
    }

    /** The driver's message without the hint lines the server appends, which repeat what the message says. */
    static String firstLine(SQLException e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
