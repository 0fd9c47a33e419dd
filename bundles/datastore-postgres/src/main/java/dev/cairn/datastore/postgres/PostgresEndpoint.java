package dev.cairn.datastore.postgres;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * A {@code --datastore-endpoint} in K3s's PostgreSQL form,
 * {@code postgres://user:password@host:5432/database?param=value} ({@code postgresql://} too): the user and password
 * (percent-encoded in the URL), one or more {@code host[:port]} separated by commas, the database (K3s's default
 * {@code kubernetes} when the path is empty) and parameters. {@code schema} names the PostgreSQL schema that holds
 * Cairn's tables (default {@code public}); every other parameter goes to the JDBC driver as a connection property
 * ({@code sslmode}, {@code sslrootcert}, {@code connectTimeout}, ...).
 *
 * @param user       the role to log in as (the OS user when the URL names none, as libpq does)
 * @param password   the password, empty for none
 * @param hosts      {@code host:port} of each server, in the order given
 * @param database   the database name
 * @param schema     the schema that holds the tables
 * @param parameters the driver parameters
 */
record PostgresEndpoint(String user, String password, List<String> hosts, String database, String schema,
        Map<String, String> parameters) {

    static final String DEFAULT_DATABASE = "kubernetes";
    static final String DEFAULT_SCHEMA = "public";
    static final int DEFAULT_PORT = 5432;
    /** Lower-case identifiers only, so that the schema never needs quoting rules beyond double quotes. */
    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,55}");
    /** Driver parameters whose values are secrets, left out of anything logged. */
    private static final List<String> SECRET_PARAMETERS = List.of("password", "sslpassword");

    PostgresEndpoint {
        hosts = List.copyOf(hosts);
        parameters = Map.copyOf(parameters);
    }

    /**
     * Parses an endpoint.
     *
     * @throws IllegalArgumentException naming the flag and what is wrong, with the password left out
     */
    static PostgresEndpoint parse(String endpoint) {
        String text = endpoint == null ? "" : endpoint.trim();
        int schemeEnd = text.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals("postgres") && !scheme.equals("postgresql")) {
            throw new IllegalArgumentException("datastore-endpoint: '" + redact(text) + "' is not a PostgreSQL"
                    + " endpoint; write it as postgres://user:password@host:5432/database");
        }
        String rest = text.substring(schemeEnd + 3);
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        int at = authority.lastIndexOf('@');
        String userInfo = at < 0 ? "" : authority.substring(0, at);
        String hostList = at < 0 ? authority : authority.substring(at + 1);

        String user;
        String password;
        int colon = userInfo.indexOf(':');
        if (colon < 0) {
            user = decode(userInfo, text);
            password = "";
        } else {
            user = decode(userInfo.substring(0, colon), text);
            password = decode(userInfo.substring(colon + 1), text);
        }
        if (user.isEmpty()) {
            user = System.getProperty("user.name", "postgres");
        }
        List<String> hosts = new ArrayList<>();
        for (String h : hostList.split(",", -1)) {
            hosts.add(hostPort(h.trim(), text));
        }
        String database = decode(path.endsWith("/") ? path.substring(0, path.length() - 1) : path, text);
        if (database.isEmpty()) {
            database = DEFAULT_DATABASE;
        }
        if (database.contains("/")) {
            throw new IllegalArgumentException("datastore-endpoint: '" + redact(text) + "' names the database '"
                    + database + "'; a database name cannot contain '/'");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        String schema = DEFAULT_SCHEMA;
        if (!query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq), text);
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1), text);
                if (name.equals("schema")) {
                    schema = value;
                } else {
                    parameters.put(name, value);
                }
            }
        }
        if (!SCHEMA_NAME.matcher(schema).matches()) {
            throw new IllegalArgumentException("datastore-endpoint: '" + redact(text) + "' names the schema '"
                    + schema + "'; a schema must be lower-case letters, digits and '_', starting with a letter or"
                    + " '_', at most 56 characters");
        }
        return new PostgresEndpoint(user, password, hosts, database, schema, parameters);
    }

    private static String hostPort(String h, String text) {
        if (h.isEmpty()) {
            return "localhost:" + DEFAULT_PORT;
        }
        String host = h;
        String port = "";
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("datastore-endpoint: '" + redact(text) + "' has an IPv6 address"
                        + " without its closing ']'");
            }
            host = h.substring(0, close + 1);
            if (close + 1 < h.length()) {
                if (h.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("datastore-endpoint: '" + redact(text) + "': '" + h
                            + "' is not host:port");
                }
                port = h.substring(close + 2);
            }
        } else {
            int colon = h.lastIndexOf(':');
            if (colon >= 0) {
                host = h.substring(0, colon);
                port = h.substring(colon + 1);
            }
        }
        if (port.isEmpty()) {
            return host + ":" + DEFAULT_PORT;
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("datastore-endpoint: '" + redact(text) + "' has the port '" + port
                    + "'; a port is a number from 1 to 65535");
        }
        return host + ":" + port;
    }

    /** Percent-decoding as RFC 3986 has it ({@code +} stays a plus: passwords may contain one). */
    private static String decode(String s, String text) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '%') {
                if (i + 2 >= raw.length) {
                    throw new IllegalArgumentException("datastore-endpoint: '" + redact(text) + "' has an incomplete"
                            + " percent escape");
                }
                int hi = Character.digit(raw[i + 1], 16);
                int lo = Character.digit(raw[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("datastore-endpoint: '" + redact(text) + "' has an invalid"
                            + " percent escape");
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                out.write(raw[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The JDBC URL, without credentials (they go in {@link #properties()}). */
    String jdbcUrl() {
        return "jdbc:postgresql://" + String.join(",", hosts) + "/" + encodePath(database);
    }

    private static String encodePath(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.') {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }

    /** The driver's connection properties: the credentials, the parameters, and Cairn's defaults. */
    Properties properties() {
        Properties p = new Properties();
        // a host that drops packets must not hang the start for the OS's TCP timeout (about 2 minutes)
        p.setProperty("connectTimeout", "10");
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "cairn");
        p.putAll(parameters);
        p.setProperty("user", user);
        if (!password.isEmpty()) {
            p.setProperty("password", password);
        }
        return p;
    }

    /** What identifies the store whatever the credentials: every server sharing it computes the same value. */
    String storeIdentity() {
        return String.join(",", hosts) + "/" + database + "/" + schema;
    }

    /** The endpoint for logs and messages: the password and secret parameters replaced by {@code ***}. */
    String redacted() {
        StringBuilder sb = new StringBuilder("postgres://").append(user);
        if (!password.isEmpty()) {
            sb.append(":***");
        }
        sb.append('@').append(String.join(",", hosts)).append('/').append(database);
        List<String> query = new ArrayList<>();
        if (!schema.equals(DEFAULT_SCHEMA)) {
            query.add("schema=" + schema);
        }
        parameters.forEach((k, v) -> query.add(k + "=" + (SECRET_PARAMETERS.contains(k) ? "***" : v)));
        if (!query.isEmpty()) {
            sb.append('?').append(String.join("&", query));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return redacted();
    }

    /** An endpoint text that could not be parsed, with whatever stands between {@code //} and {@code @} hidden. */
    static String redact(String text) {
        return text.replaceAll("//[^/@]*@", "//***@").replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}
