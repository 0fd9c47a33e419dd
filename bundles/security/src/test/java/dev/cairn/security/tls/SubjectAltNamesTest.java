package dev.cairn.security.tls;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.util.List;
import java.util.Set;
import org.junit.Test;

public class SubjectAltNamesTest {

    @Test
    public void classifiesAddressesAndNamesWithoutDnsLookups() {
        SubjectAltNames sans = SubjectAltNames.of(List.of("Node1.Example.COM", "10.1.2.3", "[fd00::10]", "", " ",
                "0:0:0:0:0:0:0:1", "*.apps.example.com"));

        assertEquals(Set.of("node1.example.com", "*.apps.example.com"), sans.dnsNames());
        assertEquals(Set.of("10.1.2.3", "fd00::10", "::1"), sans.ipAddresses());
    }

    @Test
    public void ipv6IsCanonicalPerRfc5952() {
        assertEquals("::1", SubjectAltNames.canonicalIp("0:0:0:0:0:0:0:1"));
        assertEquals("::", SubjectAltNames.canonicalIp("0:0:0:0:0:0:0:0"));
        assertEquals("2001:db8::1:0:0:1", SubjectAltNames.canonicalIp("2001:db8:0:0:1:0:0:1"));
        assertEquals("2001:db8:0:1:1:1:1:1", SubjectAltNames.canonicalIp("2001:DB8:0:1:1:1:1:1"));
        assertEquals("fe80::1", SubjectAltNames.canonicalIp("fe80:0000::0001"));
        assertEquals("192.168.1.1", SubjectAltNames.canonicalIp("::ffff:192.168.1.1"));
        assertNull(SubjectAltNames.canonicalIp("example.com"));
        assertNull(SubjectAltNames.canonicalIp("999.1.1.1"));
    }

    @Test
    public void missingNamesAreListedIpsFirst() {
        SubjectAltNames required = SubjectAltNames.of(List.of("a.example", "b.example", "10.0.0.1", "::1"));
        SubjectAltNames present = SubjectAltNames.of(List.of("A.example", "0:0:0:0:0:0:0:1"));

        assertEquals(List.of("10.0.0.1", "b.example"), required.missingFrom(present));
    }
}
