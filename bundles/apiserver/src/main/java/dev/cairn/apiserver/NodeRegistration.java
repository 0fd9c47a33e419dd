package dev.cairn.apiserver;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The supervisor side of an agent's join: its kubelet client certificate, given once its node password passed
 * ({@code POST /v1-cairn/client-kubelet.crt}), and the HTTPS addresses of every server
 * ({@code GET /v1-cairn/apiservers}), which agents keep to fail over.
 */
final class NodeRegistration {
    static final String NODE_NAME_HEADER = "Cairn-Node-Name";
    static final String NODE_PASSWORD_HEADER = "Cairn-Node-Password";
    /** Set on every server's Node: where its HTTPS port is, for agents. */
    static final String APISERVER_URL_ANNOTATION = "cairn.io/apiserver-url";
    /** A Kubernetes node name: a DNS subdomain. */
    private static final Pattern NODE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*"
            + "[a-z0-9])?)*");

    private final ObjectStore store;
    private final NodePasswords passwords;
    private final NodeCertificates certificates;
    private final Supplier<String> ownUrl;

    /** @param ownUrl this server's {@code https://<node-ip>:<port>}, listed even before its Node is written */
    NodeRegistration(ObjectStore store, NodePasswords passwords, NodeCertificates certificates,
            Supplier<String> ownUrl) {
        this.store = store;
        this.passwords = passwords;
        this.certificates = certificates;
        this.ownUrl = ownUrl;
    }

    /** {@code POST /v1-cairn/client-kubelet.crt}: the CSR in the body, the node's name and password in headers. */
    ApiResponse clientCertificate(ApiRequest request) throws IOException {
        String node = request.header(NODE_NAME_HEADER).trim();
        String password = request.header(NODE_PASSWORD_HEADER);
        if (node.isEmpty() || node.length() > 253 || !NODE_NAME.matcher(node).matches()) {
            throw new SupervisorError(400, "header " + NODE_NAME_HEADER + " must be a node name (lowercase letters,"
                    + " digits, '-' and '.'), not \"" + node + "\"");
        }
        if (password.isEmpty()) {
            throw new SupervisorError(400, "header " + NODE_PASSWORD_HEADER + " is required: the node's password"
                    + " (the agent's <data-dir>/agent/node-password)");
        }
        // the request is checked whole before the password is: a bad request stores no password
        PublicKey key = NodeCertificates.publicKeyOf(request.body());
        passwords.verify(node, password);
        String pem = certificates.issue(node, key);
        return new ApiResponse(200, "application/x-pem-file", pem.getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code GET /v1-cairn/apiservers}: a JSON array of {@code https://} URLs, this server's first. */
    ApiResponse apiServers() {
        String own = ownUrl.get();
        Set<String> others = new TreeSet<>();
        JsonObject nodes = store.list(ResourceType.NODES, null,
                LabelSelector.parse("node-role.kubernetes.io/control-plane"), FieldSelector.parse(""), 0, null);
        for (JsonElement n : nodes.getAsJsonArray("items")) {
            JsonElement annotations = ObjectStore.metadata(n.getAsJsonObject()).get("annotations");
            if (annotations != null && annotations.isJsonObject()) {
                String url = ObjectStore.string(annotations.getAsJsonObject(), APISERVER_URL_ANNOTATION);
                if (!url.isEmpty() && !url.equals(own)) {
                    others.add(url);
                }
            }
        }
        JsonArray urls = new JsonArray();
        urls.add(own);
        others.forEach(urls::add);
        return ApiResponse.json(200, urls);
    }
}
