package dev.cairn.benchmarks;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class EndpointTest {

    @Test
    public void schemeDecidesTlsAndBareAddressFollowsTheCa() {
        Endpoint https = Endpoint.parse("https://127.0.0.42:2379");
        assertEquals("127.0.0.42", https.host());
        assertEquals(2379, https.port());
        assertTrue(https.usesTls(false));
        assertFalse(Endpoint.parse("http://localhost:2379/").usesTls(true));
        assertTrue(Endpoint.parse("127.0.0.1:2379").usesTls(true));
        assertFalse(Endpoint.parse("127.0.0.1:2379").usesTls(false));
        assertEquals("::1", Endpoint.parse("[::1]:2379").host());
    }

    @Test
    public void rejectsAnAddressWithoutPort() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("localhost"));
        assertEquals("--endpoints: 'localhost' is not host:port (e.g. 127.0.0.1:2379)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("h:port"));
    }
}
