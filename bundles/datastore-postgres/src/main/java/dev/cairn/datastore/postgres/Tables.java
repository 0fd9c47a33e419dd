package dev.cairn.datastore.postgres;

/**
 * The schema-qualified names of Cairn's tables in one PostgreSQL schema. Every statement names its tables through
 * this, so several Cairn stores can live side by side in one database, each in its own schema.
 *
 * @param schema     the schema, unquoted (lower-case letters, digits and '_' only, see {@link PostgresEndpoint})
 * @param version    the schema version table (one row)
 * @param meta       the store revision (one row): the lock every write transaction takes first
 * @param compaction the compact revision (one row): the lock compactions take
 * @param log        the revision log: one row per event, never updated
 * @param current    the live keys: one row per key, pointing at its newest log row
 * @param lease      the leases, with their deadlines in the database's clock
 * @param alarm      the raised alarms
 */
record Tables(String schema, String version, String meta, String compaction, String log, String current, String lease,
        String alarm) {

    static Tables in(String schema) {
        String q = "\"" + schema + "\".";
        return new Tables(schema, q + "cairn_schema_version", q + "cairn_meta", q + "cairn_compaction", q + "cairn_log",
                q + "cairn_current", q + "cairn_lease", q + "cairn_alarm");
    }

    /** The LISTEN/NOTIFY channel on which writers announce new revisions to the other servers. */
    String channel() {
        return "cairn_" + schema;
    }

    /** The database's clock in milliseconds: lease deadlines use it so that every server agrees on them. */
    static final String NOW_MS = "(extract(epoch from clock_timestamp()) * 1000)::bigint";
}
