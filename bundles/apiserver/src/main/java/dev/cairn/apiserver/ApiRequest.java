package dev.cairn.apiserver;

import java.util.List;
import java.util.Map;

/**
 * One HTTP request as the API sees it.
 *
 * @param method      GET, POST, PUT, PATCH, DELETE
 * @param path        the decoded path, without the query
 * @param query       query parameters
 * @param contentType the Content-Type header, "" when absent
 * @param accept      the Accept header, "" when absent
 * @param body        the request body (possibly empty)
 * @param user        the authenticated user, null without a client certificate
 * @param authorization the Authorization header, "" when absent (HTTP Basic on the supervisor routes)
 * @param remote      the client's address, null when unknown
 */
record ApiRequest(String method, String path, Map<String, List<String>> query, String contentType, String accept,
        byte[] body, User user, String authorization, java.net.InetAddress remote) {

    /** A request without Authorization header and client address (the Kubernetes routes need neither). */
    ApiRequest(String method, String path, Map<String, List<String>> query, String contentType, String accept,
            byte[] body, User user) {
        this(method, path, query, contentType, accept, body, user, "", null);
    }

    /** Never the Authorization header: it carries the token's password. */
    @Override
    public String toString() {
        return "ApiRequest[" + method + " " + path + "]";
    }

    /**
     * A user from a verified client certificate.
     *
     * @param name   the certificate's CN
     * @param groups its O values
     */
    record User(String name, List<String> groups) {
        boolean isMaster() {
            return groups.contains("system:masters");
        }
    }

    String param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? "" : v.get(0);
    }

    boolean flag(String name) {
        String v = param(name);
        return v.equals("1") || v.equalsIgnoreCase("true");
    }

    /** True when the client asked for a meta.k8s.io Table (kubectl get). */
    boolean wantsTable() {
        return accept.contains("as=Table");
    }
}
