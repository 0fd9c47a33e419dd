package dev.cairn.apiserver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.Test;

/** What a node's client certificate may do: read what a node needs, write only its own Node and Lease. */
public class NodeAuthorizerTest {
    private static final ApiRequest.User NODE = new ApiRequest.User("system:node:agent1", List.of("system:nodes"));

    private static ApiRequest request(String method, String uri, String body) {
        QueryStringDecoder d = new QueryStringDecoder(uri);
        return new ApiRequest(method, d.path(), d.parameters(), body.isEmpty() ? "" : "application/json",
                "application/json", body.getBytes(StandardCharsets.UTF_8), NODE);
    }

    private static void allowed(String method, String uri, String body) {
        NodeAuthorizer.authorize(request(method, uri, body), "agent1");
    }

    private static String refused(String method, String uri, String body) {
        try {
            NodeAuthorizer.authorize(request(method, uri, body), "agent1");
        } catch (ApiException e) {
            assertEquals(403, e.code());
            assertEquals("Forbidden", e.reason());
            return e.getMessage();
        }
        fail(method + " " + uri + " was allowed");
        return null;
    }

    @Test
    public void theNodeOfACertificateComesFromItsCommonNameInGroupSystemNodes() {
        assertEquals("agent1", NODE.nodeName());
        assertNull(new ApiRequest.User("system:node:agent1", List.of()).nodeName());
        assertNull(new ApiRequest.User("system:admin", List.of("system:nodes")).nodeName());
        assertNull(new ApiRequest.User("system:node:", List.of("system:nodes")).nodeName());
    }

    @Test
    public void readsNodesNamespacesLeasesAndConfigMapsAndDiscovery() {
        allowed("GET", "/api/v1/nodes", "");
        allowed("GET", "/api/v1/nodes/server1", "");
        allowed("GET", "/api/v1/nodes?watch=true", "");
        allowed("GET", "/api/v1/namespaces", "");
        allowed("GET", "/api/v1/namespaces/kube-system", "");
        allowed("GET", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/server1", "");
        allowed("GET", "/api/v1/namespaces/default/configmaps", "");
        allowed("GET", "/api/v1/configmaps?watch=1", "");
        allowed("GET", "/api", "");
        allowed("GET", "/openapi/v3", "");
    }

    @Test
    public void writesItsOwnNodeAndLease() {
        allowed("POST", "/api/v1/nodes", "{\"metadata\":{\"name\":\"agent1\"}}");
        allowed("PATCH", "/api/v1/nodes/agent1", "{}");
        allowed("PUT", "/api/v1/nodes/agent1", "{}");
        allowed("PATCH", "/api/v1/nodes/agent1/status", "{}");
        allowed("POST", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
                "{\"metadata\":{\"name\":\"agent1\"}}");
        allowed("PATCH", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/agent1", "{}");
        allowed("PUT", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/agent1", "{}");
    }

    @Test
    public void anotherNodesObjectsAreForbiddenWithKubernetesMessage() {
        assertEquals("nodes \"agent2\" is forbidden: User \"system:node:agent1\" cannot update resource \"nodes\" in"
                + " API group \"\" at the cluster scope", refused("PUT", "/api/v1/nodes/agent2", "{}"));
        assertEquals("nodes \"server1\" is forbidden: User \"system:node:agent1\" cannot patch resource"
                + " \"nodes/status\" in API group \"\" at the cluster scope",
                refused("PATCH", "/api/v1/nodes/server1/status", "{}"));
        assertEquals("nodes \"agent2\" is forbidden: User \"system:node:agent1\" cannot create resource \"nodes\" in"
                + " API group \"\" at the cluster scope",
                refused("POST", "/api/v1/nodes", "{\"metadata\":{\"name\":\"agent2\"}}"));
        assertEquals("leases.coordination.k8s.io \"agent2\" is forbidden: User \"system:node:agent1\" cannot patch"
                + " resource \"leases\" in API group \"coordination.k8s.io\" in the namespace \"kube-node-lease\"",
                refused("PATCH", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/agent2", "{}"));
    }

    @Test
    public void itsOwnNameOutsideItsNodeAndNodeLeaseIsStillForbidden() {
        refused("PATCH", "/apis/coordination.k8s.io/v1/namespaces/default/leases/agent1", "{}");
        refused("PUT", "/api/v1/namespaces/default/configmaps/agent1", "{}");
        refused("DELETE", "/api/v1/nodes/agent1", "");
        refused("DELETE", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/agent1", "");
        refused("POST", "/api/v1/nodes", "{\"metadata\":{\"generateName\":\"agent1\"}}");
        refused("POST", "/api/v1/nodes", "not json");
    }

    @Test
    public void secretsEventsAndOtherWritesAreForbidden() {
        assertEquals("secrets is forbidden: User \"system:node:agent1\" cannot list resource \"secrets\" in API group"
                + " \"\" in the namespace \"default\"", refused("GET", "/api/v1/namespaces/default/secrets", ""));
        assertEquals("secrets \"x\" is forbidden: User \"system:node:agent1\" cannot get resource \"secrets\" in API"
                + " group \"\" in the namespace \"kube-system\"",
                refused("GET", "/api/v1/namespaces/kube-system/secrets/x", ""));
        assertEquals("secrets is forbidden: User \"system:node:agent1\" cannot watch resource \"secrets\" in API"
                + " group \"\" at the cluster scope", refused("GET", "/api/v1/secrets?watch=true", ""));
        refused("GET", "/api/v1/namespaces/default/events", "");
        refused("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"agent1\"}}");
        refused("POST", "/api/v1/namespaces/default/configmaps", "{\"metadata\":{\"name\":\"x\"}}");
        refused("DELETE", "/api/v1/namespaces/default/configmaps", "");
        refused("POST", "/api", "");
    }

    @Test
    public void theRouterAppliesTheRulesToNodeCertificates() {
        // refused before any resource is touched: the router needs no store for it
        ApiRouter router = new ApiRouter(null, null, null, null, null);
        ApiResponse[] answer = new ApiResponse[1];
        router.handle(request("GET", "/api/v1/namespaces/default/secrets", ""), new ApiRouter.Exchange() {
            @Override
            public void respond(ApiResponse response) {
                answer[0] = response;
            }

            @Override
            public WatchStream.Sink startStream(Runnable onClose, java.time.Duration timeout) {
                throw new AssertionError("no stream expected");
            }

            @Override
            public void repeatWhileOpen(java.time.Duration period, Runnable task) {
                throw new AssertionError("no stream expected");
            }
        });
        assertEquals(403, answer[0].code());
        String body = new String(answer[0].body(), StandardCharsets.UTF_8);
        assertTrue(body, body.contains("\"reason\":\"Forbidden\""));
        assertTrue(body, body.contains("\"kind\":\"Status\""));
    }
}
