package dev.cairn.datastore.postgres;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.Test;

public class PostgresEndpointTest {

    @Test
    public void k3sFormIsParsedIntoCredentialsHostAndDatabase() {
        PostgresEndpoint e = PostgresEndpoint.parse("postgres://cairn:s3cret@db.example.com:6432/k8s");
        assertEquals("cairn", e.user());
        assertEquals("s3cret", e.password());
        assertEquals(List.of("db.example.com:6432"), e.hosts());
        assertEquals("k8s", e.database());
        assertEquals("public", e.schema());
        assertEquals("jdbc:postgresql://db.example.com:6432/k8s", e.jdbcUrl());
        Properties p = e.properties();
        assertEquals("cairn", p.getProperty("user"));
        assertEquals("s3cret", p.getProperty("password"));
    }

    @Test
    public void postgresqlSchemeDefaultPortAndK3sDefaultDatabase() {
        PostgresEndpoint e = PostgresEndpoint.parse("postgresql://u@10.0.0.5");
        assertEquals(List.of("10.0.0.5:5432"), e.hosts());
        assertEquals("kubernetes", e.database());
        assertEquals("", e.password());
    }

    @Test
    public void percentEncodedPasswordsKeepTheirPlusAndSpecialCharacters() {
        PostgresEndpoint e = PostgresEndpoint.parse("postgres://u:p%40ss%3Aw+rd%2F@h/db");
        assertEquals("p@ss:w+rd/", e.password());
    }

    @Test
    public void severalHostsAndIpv6() {
        PostgresEndpoint e = PostgresEndpoint.parse("postgres://u:p@[::1]:5433,h2/db");
        assertEquals(List.of("[::1]:5433", "h2:5432"), e.hosts());
        assertEquals("jdbc:postgresql://[::1]:5433,h2:5432/db", e.jdbcUrl());
    }

    @Test
    public void theSchemaParameterIsOursAndTheOthersGoToTheDriver() {
        PostgresEndpoint e = PostgresEndpoint.parse("postgres://u:p@h/db?sslmode=require&schema=cairn_a"
                + "&sslpassword=hush");
        assertEquals("cairn_a", e.schema());
        assertEquals(Map.of("sslmode", "require", "sslpassword", "hush"), e.parameters());
        assertEquals("require", e.properties().getProperty("sslmode"));
        assertFalse(e.properties().containsKey("schema"));
    }

    @Test
    public void theRedactedFormHidesEverySecret() {
        PostgresEndpoint e = PostgresEndpoint.parse("postgres://cairn:s3cret@h:5432/db?schema=x&sslpassword=hush");
        assertEquals("postgres://cairn:***@h:5432/db?schema=x&sslpassword=***", e.redacted());
        assertFalse(e.toString().contains("s3cret"));
    }

    @Test
    public void badEndpointsAreRefusedWithoutShowingThePassword() {
        for (String bad : List.of("mysql://u:s3cret@h/db", "postgres://u:s3cret@h:99999/db",
                "postgres://u:s3cret@h/db?schema=Bad-Name", "postgres://u:s3cret@h:x/db",
                "postgres://u:s3cret%4@h/db")) {
            IllegalArgumentException e = assertThrows(bad, IllegalArgumentException.class,
                    () -> PostgresEndpoint.parse(bad));
            assertTrue(e.getMessage(), e.getMessage().startsWith("datastore-endpoint: "));
            assertFalse(e.getMessage(), e.getMessage().contains("s3cret"));
        }
    }

    @Test
    public void theStoreIdentityIgnoresCredentials() {
        assertEquals(PostgresEndpoint.parse("postgres://a:1@h/db").storeIdentity(),
                PostgresEndpoint.parse("postgres://b:2@h:5432/db").storeIdentity());
    }
}
