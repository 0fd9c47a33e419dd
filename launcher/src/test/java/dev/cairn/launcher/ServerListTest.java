package dev.cairn.launcher;

import static org.junit.Assert.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Which server an agent tries, in which order, and what survives its restart. */
public class ServerListTest {
    private static final String REGISTRATION = "https://cluster.example:6443";
    private static final String S1 = "https://127.0.0.1:6443";
    private static final String S2 = "https://127.0.0.2:6443";
    private static final String S3 = "https://127.0.0.3:6443";

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path file() {
        return tmp.getRoot().toPath().resolve("servers.json");
    }

    @Test
    public void withoutAListOnlyTheRegistrationAddressIsTried() {
        ServerList list = ServerList.load(file(), REGISTRATION);
        assertEquals(REGISTRATION, list.current());
        assertEquals(List.of(REGISTRATION), list.candidates());
    }

    @Test
    public void theCurrentServerFirstThenTheOthersThenTheRegistrationAddress() throws Exception {
        ServerList list = ServerList.load(file(), REGISTRATION);
        list.replace(List.of(S1, S2, S3));
        list.use(S2);
        assertEquals(List.of(S2, S1, S3, REGISTRATION), list.candidates());
    }

    @Test
    public void aRestartedAgentStartsFromItsStoredServer() throws Exception {
        ServerList list = ServerList.load(file(), REGISTRATION);
        list.replace(List.of(S1, S2));
        list.use(S2);
        ServerList reloaded = ServerList.load(file(), REGISTRATION);
        assertEquals(S2, reloaded.current());
        assertEquals(List.of(S1, S2), reloaded.servers());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file())));
    }

    @Test
    public void aListLearnedThroughAnotherServerFlagIsIgnored() throws Exception {
        ServerList list = ServerList.load(file(), REGISTRATION);
        list.replace(List.of(S1));
        list.use(S1);
        ServerList other = ServerList.load(file(), S3);
        assertEquals(List.of(S3), other.candidates());
    }

    @Test
    public void anUnreadableFileStartsFromTheRegistrationAddress() throws Exception {
        Files.writeString(file(), "{not json");
        assertEquals(List.of(REGISTRATION), ServerList.load(file(), REGISTRATION).candidates());
    }

    @Test
    public void anEmptyAnswerKeepsTheKnownServers() throws Exception {
        ServerList list = ServerList.load(file(), REGISTRATION);
        list.replace(List.of(S1));
        list.replace(List.of());
        assertEquals(List.of(S1), list.servers());
    }
}
