package dev.cairn.apiserver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.Test;

public class BasicAuthTest {
    private final BasicAuth auth = new BasicAuth(FakeCluster.credentials());

    private static String basic(String login) {
        return "Basic " + Base64.getEncoder().encodeToString(login.getBytes(StandardCharsets.UTF_8));
    }

    private static ApiRequest request(String authorization, String remote) throws Exception {
        return new ApiRequest("GET", "/db/info", Map.of(), "", "", new byte[0], null, authorization,
                remote == null ? null : InetAddress.getByName(remote));
    }

    @Test
    public void parsesUserAndPasswordWithColons() {
        assertEquals(Optional.of(new BasicAuth.Login("server", "a:b")), BasicAuth.login(basic("server:a:b")));
        assertEquals(Optional.of(new BasicAuth.Login("node", "x")), BasicAuth.login("basic  " + basic("node:x")
                .substring(6)));
        assertEquals(Optional.empty(), BasicAuth.login(""));
    }

    @Test
    public void malformedHeadersAre401() {
        for (String header : List.of("Bearer abc", "Basic", "Basic !!!", basic("nocolon"), basic(":pw"))) {
            SupervisorError e = assertThrows(header, SupervisorError.class, () -> BasicAuth.login(header));
            assertEquals(401, e.code());
        }
    }

    @Test
    public void loopbackClientsReadWithoutCredentialsOthersNeedThem() throws Exception {
        auth.requireUnlessLoopback(request("", "127.0.0.5"), Set.of("server"));
        auth.requireUnlessLoopback(request("", "::1"), Set.of("server"));
        SupervisorError remote = assertThrows(SupervisorError.class,
                () -> auth.requireUnlessLoopback(request("", "10.0.0.5"), Set.of("server")));
        assertEquals(401, remote.code());
        auth.requireUnlessLoopback(request(basic("server:" + FakeCluster.PASSWORD), "10.0.0.5"), Set.of("server"));
        SupervisorError wrong = assertThrows(SupervisorError.class,
                () -> auth.requireUnlessLoopback(request(basic("server:no"), "127.0.0.1"), Set.of("server")));
        assertEquals(401, wrong.code());
    }

    @Test
    public void roleOutsideTheAllowedOnesIs403() throws Exception {
        assertEquals("node", auth.require(request(basic("node:" + FakeCluster.PASSWORD), null),
                Set.of("server", "node")));
        SupervisorError e = assertThrows(SupervisorError.class,
                () -> auth.require(request(basic("node:" + FakeCluster.PASSWORD), null), Set.of("server")));
        assertEquals(403, e.code());
    }
}
