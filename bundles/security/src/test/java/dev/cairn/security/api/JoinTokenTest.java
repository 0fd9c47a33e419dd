package dev.cairn.security.api;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.Test;

public class JoinTokenTest {
    private static final String HASH = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @Test
    public void fullTokenGivesHashUserAndPassword() {
        JoinToken t = JoinToken.parse("K10" + HASH + "::server:s3cret");
        assertEquals(Optional.of(HASH), t.caHash());
        assertEquals("server", t.user());
        assertEquals("s3cret", t.password());
        assertEquals("K10" + HASH + "::server:s3cret", t.format());
    }

    @Test
    public void bareTokenIsAPasswordWithoutHashForUserServer() {
        JoinToken t = JoinToken.parse("SECRET");
        assertEquals(Optional.empty(), t.caHash());
        assertEquals("server", t.user());
        assertEquals("SECRET", t.password());
        assertEquals("K10::server:SECRET", t.format());
    }

    @Test
    public void barePasswordMayContainColons() {
        assertEquals("a:b::c", JoinToken.parse("a:b::c").password());
        assertEquals("server", JoinToken.parse("a:b::c").user());
    }

    @Test
    public void fullTokenWithoutHashOrUser() {
        JoinToken noHash = JoinToken.parse("K10::node:pw");
        assertEquals(Optional.empty(), noHash.caHash());
        assertEquals("node", noHash.user());
        assertEquals("pw", noHash.password());
        JoinToken noUser = JoinToken.parse("K10" + HASH + "::" + ":pw:with:colons");
        assertEquals("server", noUser.user());
        assertEquals("pw:with:colons", noUser.password());
    }

    @Test
    public void surroundingWhiteSpaceOfATokenFileIsIgnored() {
        assertEquals(JoinToken.parse("K10" + HASH + "::server:pw"), JoinToken.parse("K10" + HASH + "::server:pw\n"));
    }

    @Test
    public void errorsAreK3sMessages() {
        assertMessage("token must not be empty", "");
        assertMessage("token must not be empty", null);
        assertMessage("token must not be empty", " \n");
        assertMessage("invalid token CA hash length", "K10abc::server:pw");
        assertMessage("invalid token CA hash length", "K10" + HASH + "0::server:pw");
        assertMessage("invalid token format", "K10" + HASH + "::server:");
        assertMessage("invalid token format", "K10" + HASH + "::nocolon");
        assertMessage("invalid token format", "K10secret");
        assertMessage("invalid token format", "K10::server:");
    }

    private static void assertMessage(String message, String token) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JoinToken.parse(token));
        assertEquals(message, e.getMessage());
    }

    @Test
    public void ofValidatesLikeParse() {
        assertEquals("K10" + HASH + "::server:pw", JoinToken.of(HASH, null, "pw").format());
        assertEquals("K10::node:pw", JoinToken.of("", "node", "pw").format());
        assertEquals("invalid token CA hash length",
                assertThrows(IllegalArgumentException.class, () -> JoinToken.of("abc", "server", "pw")).getMessage());
        assertEquals("invalid token format",
                assertThrows(IllegalArgumentException.class, () -> JoinToken.of(HASH, "server", "")).getMessage());
        assertEquals("invalid token format",
                assertThrows(IllegalArgumentException.class, () -> JoinToken.of(HASH, "a:b", "pw")).getMessage());
    }

    @Test
    public void formatRoundTrips() {
        JoinToken t = JoinToken.of(HASH, "server", "p:w");
        assertEquals(t, JoinToken.parse(t.format()));
    }

    @Test
    public void caHashIsLowercaseHexSha256OfTheExactBytes() {
        // sha256("abc"), FIPS 180-2 test vector
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                JoinToken.caHash("abc".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(JoinToken.caHash("abc\n".getBytes(StandardCharsets.US_ASCII))
                .equals(JoinToken.caHash("abc".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    public void toStringNeverShowsThePassword() {
        JoinToken t = JoinToken.parse("K10" + HASH + "::server:topsecret");
        assertFalse(t.toString().contains("topsecret"));
        assertTrue(t.toString().contains(HASH));
    }

    @Test
    public void hasPasswordComparesExactly() {
        JoinToken t = JoinToken.parse("pw");
        assertTrue(t.hasPassword("pw"));
        assertFalse(t.hasPassword("pW"));
        assertFalse(t.hasPassword(null));
    }
}
