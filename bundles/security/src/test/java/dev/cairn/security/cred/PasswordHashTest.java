package dev.cairn.security.cred;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.security.SecureRandom;
import org.junit.Test;

public class PasswordHashTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    public void hashIsK3sScryptFormatAndSalted() {
        // a password no salted hash holds by chance (with "pw", one hash in 4096 ended in "pw")
        String a = PasswordHash.hash("pw-of-this-test", random);
        String[] parts = a.split(":");
        assertEquals(6, parts.length);
        assertEquals("$1", parts[0]);
        assertEquals(16, parts[1].length()); // 8 bytes of salt
        assertEquals("15", parts[2]);
        assertEquals("8", parts[3]);
        assertEquals("1", parts[4]);
        assertFalse(a, a.contains("pw-of-this-test"));
        assertNotEquals(a, PasswordHash.hash("pw-of-this-test", random));
        assertTrue(PasswordHash.matches(a, "pw-of-this-test"));
        assertFalse(PasswordHash.matches(a, "pW-of-this-test"));
    }

    @Test
    public void malformedHashIsReported() {
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.matches("plain", "pw"));
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.matches("$1:00:x:8:1:AA", "pw"));
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.matches("$1:00:30:8:1:AA", "pw"));
    }
}
