package dev.cairn.security.api;

import java.util.Optional;

/**
 * The credentials of the cluster as this server knows them: the full server token (also in
 * {@code <data-dir>/server/token}, mode 0600) and the check of a password presented by another server or a node.
 * The service is registered once the token and {@code server/cred/passwd} are on disk and agree.
 */
public interface ClusterCredentials {

    /** The role of user {@code server}: another server of the cluster. */
    String ROLE_SERVER = "server";
    /** The role of user {@code node}: an agent. */
    String ROLE_NODE = "node";

    /** The full server token {@code K10<ca hash>::server:<password>}; a secret, never to be logged. */
    String token();

    /** The lowercase hex SHA-256 of the exact bytes of {@code server/tls/server-ca.crt}. */
    String caHash();

    /**
     * Checks a user's password (HTTP Basic on the supervisor API).
     *
     * @return the role ({@link #ROLE_SERVER} for user {@code server}, {@link #ROLE_NODE} for user {@code node}),
     *         empty for an unknown user or a wrong password
     */
    Optional<String> authenticate(String user, String password);
}
