package dev.cairn.security.cred;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.cairn.security.api.JoinToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class CredentialFilesTest {
    private static final byte[] CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final String CA_HASH = JoinToken.caHash(CA);

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private Path serverDir;

    @Before
    public void dirs() {
        serverDir = temp.getRoot().toPath().resolve("server");
    }

    private CredentialFiles files() {
        return new CredentialFiles(serverDir, new SecureRandom());
    }

    private String tokenFileText() throws IOException {
        return Files.readString(serverDir.resolve("token"), StandardCharsets.UTF_8);
    }

    private String passwdText() throws IOException {
        return Files.readString(serverDir.resolve("cred/passwd"), StandardCharsets.UTF_8);
    }

    @Test
    public void configuredTokenIsWrittenWithTheCaHashAndAHashedPasswd() throws IOException {
        JoinToken token = files().establish("SECRET", CA);
        assertEquals("K10" + CA_HASH + "::server:SECRET", token.format());
        assertEquals("K10" + CA_HASH + "::server:SECRET\n", tokenFileText());
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(serverDir.resolve("token"))));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(serverDir.resolve("cred/passwd"))));
        String passwd = passwdText();
        assertFalse(passwd.contains("SECRET"));
        List<PasswdFile.Entry> entries = new PasswdFile(serverDir.resolve("cred/passwd")).read();
        assertEquals(List.of("server", "node"), entries.stream().map(PasswdFile.Entry::user).toList());
        assertTrue(PasswordHash.matches(entries.get(0).hash(), "SECRET"));
        assertTrue(PasswordHash.matches(entries.get(1).hash(), "SECRET"));
    }

    @Test
    public void withoutTokenARandomPasswordIsGeneratedAndKeptAcrossRestarts() throws IOException {
        JoinToken first = files().establish("", CA);
        assertTrue(first.password().matches("[0-9a-f]{32}"));
        String passwd = passwdText();
        JoinToken again = files().establish("", CA);
        assertEquals(first, again);
        assertEquals(passwd, passwdText()); // not rewritten
    }

    @Test
    public void fullConfiguredTokenKeepsItsPassword() throws IOException {
        String configured = "K10" + "ab".repeat(32) + "::server:pw";
        JoinToken token = files().establish(configured, CA);
        assertEquals("K10" + CA_HASH + "::server:pw", token.format()); // the hash of this server's CA
    }

    @Test
    public void joiningServerVerifiesItsTokenAgainstTheClusterPasswd() throws IOException {
        Path other = temp.getRoot().toPath().resolve("other/server");
        new CredentialFiles(other, new SecureRandom()).establish("cluster-pw", CA);
        Files.createDirectories(serverDir.resolve("cred"));
        Files.copy(other.resolve("cred/passwd"), serverDir.resolve("cred/passwd"));

        IOException wrong = assertThrows(IOException.class, () -> files().establish("wrong-pw", CA));
        assertTrue(wrong.getMessage(), wrong.getMessage().contains("does not match the server password in"));
        assertFalse(wrong.getMessage().contains("wrong-pw"));
        assertFalse(Files.exists(serverDir.resolve("token"))); // nothing written

        assertEquals("cluster-pw", files().establish("K10" + CA_HASH + "::server:cluster-pw", CA).password());
        assertEquals("K10" + CA_HASH + "::server:cluster-pw\n", tokenFileText());
    }

    @Test
    public void changedConfiguredTokenIsRefused() throws IOException {
        files().establish("one", CA);
        IOException e = assertThrows(IOException.class, () -> files().establish("two", CA));
        assertTrue(e.getMessage(), e.getMessage().startsWith("the configured token"));
        assertEquals("one", JoinToken.parse(tokenFileText()).password());
    }

    @Test
    public void passwdWithoutTokenFileAndNoConfiguredTokenIsAnError() throws IOException {
        files().establish("pw", CA);
        Files.delete(serverDir.resolve("token"));
        IOException e = assertThrows(IOException.class, () -> files().establish("", CA));
        assertTrue(e.getMessage(), e.getMessage().contains("is missing and no token is configured"));
    }

    @Test
    public void tokenFileWithAnotherPasswordThanPasswdIsAnError() throws IOException {
        files().establish("pw", CA);
        Files.writeString(serverDir.resolve("token"), "K10" + CA_HASH + "::server:other\n");
        IOException e = assertThrows(IOException.class, () -> files().establish("", CA));
        assertTrue(e.getMessage(), e.getMessage().startsWith("the token in "));
        assertFalse(e.getMessage().contains("other"));
    }

    @Test
    public void unusableTokensAreReportedWithoutTheirText() {
        IOException e = assertThrows(IOException.class, () -> files().establish("K10bad::server:x", CA));
        assertTrue(e.getMessage(), e.getMessage().contains("invalid token CA hash length"));
        assertFalse(e.getMessage().contains("K10bad"));
    }

    @Test
    public void aNewCaHashRewritesTheTokenFile() throws IOException {
        files().establish("pw", CA);
        byte[] otherCa = "other".getBytes(StandardCharsets.US_ASCII);
        files().establish("", otherCa);
        assertEquals("K10" + JoinToken.caHash(otherCa) + "::server:pw\n", tokenFileText());
        assertNotEquals(CA_HASH, JoinToken.caHash(otherCa));
    }

    @Test
    public void malformedPasswdIsReportedWithItsLine() throws IOException {
        Files.createDirectories(serverDir.resolve("cred"));
        Files.writeString(serverDir.resolve("cred/passwd"), "only,three,fields\n");
        IOException e = assertThrows(IOException.class, () -> files().establish("pw", CA));
        assertTrue(e.getMessage(), e.getMessage().contains("line 1"));
    }
}
