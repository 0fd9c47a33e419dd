package dev.cairn.datastore.etcd;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import org.junit.Test;

public class EtcdEndpointsTest {

    @Test
    public void severalHttpsEndpointsKeepTheirOrderAndPorts() {
        EtcdEndpoints e = EtcdEndpoints.parse("https://10.0.0.5:2379, https://etcd-b:12379,https://[::1]");
        assertTrue(e.tls());
        assertEquals(List.of(new EtcdEndpoints.HostPort("10.0.0.5", 2379), new EtcdEndpoints.HostPort("etcd-b", 12379),
                new EtcdEndpoints.HostPort("::1", 2379)), e.addresses());
        assertEquals("[::1]:2379", e.addresses().get(2).authority());
        assertEquals("https://10.0.0.5:2379,https://etcd-b:12379,https://[::1]:2379", e.toString());
    }

    @Test
    public void httpIsPlainText() {
        assertFalse(EtcdEndpoints.parse("http://127.0.0.1:2379").tls());
    }

    @Test
    public void badEndpointsAreRefusedNamingTheFlag() {
        expectRefused("sqlite:/x", "--datastore-endpoint: 'sqlite:/x' needs the scheme https:// or http://");
        expectRefused("https://a:2379,http://b:2379",
                "--datastore-endpoint: 'http://b:2379' mixes http:// and https:// endpoints; use one scheme for all");
        expectRefused("https://user:pw@a:2379", "--datastore-endpoint: 'https://user:pw@a:2379' carries user "
                + "information; etcd authentication is not supported, use client certificates "
                + "(--datastore-certfile, --datastore-keyfile)");
        expectRefused("https://a:2379/v3", "--datastore-endpoint: 'https://a:2379/v3' must be a bare client URL like "
                + "https://10.0.0.1:2379");
        expectRefused(" , ", "--datastore-endpoint names no etcd endpoint");
    }

    private static void expectRefused(String endpoint, String message) {
        try {
            EtcdEndpoints.parse(endpoint);
            fail("accepted " + endpoint);
        } catch (IllegalArgumentException e) {
            assertEquals(message, e.getMessage());
        }
    }
}
