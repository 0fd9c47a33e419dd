package dev.cairn.datastore.raft;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.Alarm;
import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.raft.Command.Proposal;
import java.util.Arrays;
import java.util.List;
import org.junit.Test;

/**
 * The log entry format refuses what a newer release may write instead of reading part of it: an unknown version,
 * command or enum value, and bytes after the fields this release knows (a field added without a new version).
 */
public class CommandCodecTest {
    private static final Proposal PUT = new Proposal(7, 1, new Command.Put(PutRequest.of(Bytes.utf8("k"),
            Bytes.utf8("v"))));

    @Test
    public void entriesOfThisFormatDecodeAloneAndInBatches() {
        byte[] single = CommandCodec.encode(PUT);
        assertEquals(CommandCodec.VERSION, single[0]);
        Proposal decoded = CommandCodec.decodeEntry(single).get(0);
        assertArrayEquals(Bytes.utf8("v"), ((Command.Put) decoded.command()).request().value());
        byte[] batch = CommandCodec.encodeBatch(List.of(single, single));
        assertEquals(CommandCodec.BATCH, batch[0]);
        assertEquals(2, CommandCodec.decodeEntry(batch).size());
    }

    @Test
    public void aNewerFormatVersionIsRefused() {
        byte[] entry = CommandCodec.encode(PUT);
        entry[0] = 3;
        assertRefused(entry, "its format is 3 and this Cairn reads format 1");
    }

    @Test
    public void aFieldAddedWithoutANewVersionIsRefused() {
        byte[] entry = CommandCodec.encode(PUT);
        assertRefused(Arrays.copyOf(entry, entry.length + 2), "has 2 bytes after the fields this Cairn knows");
        byte[] batch = CommandCodec.encodeBatch(List.of(entry));
        assertRefused(Arrays.copyOf(batch, batch.length + 1), "the batch has 1 bytes after");
    }

    @Test
    public void anUnknownCommandOrEnumValueIsRefused() {
        byte[] entry = CommandCodec.encode(PUT);
        entry[17] = 42; // the command tag, after the version byte and the request id
        assertRefused(entry, "command 42, unknown to this Cairn");
        byte[] alarm = CommandCodec.encode(new Proposal(7, 2, new Command.SetAlarm(Alarm.Type.NOSPACE, true)));
        alarm[18] = 9; // the alarm type's ordinal
        assertRefused(alarm, "alarm type 9, unknown to this Cairn");
    }

    private static void assertRefused(byte[] entry, String why) {
        NewerFormatException e = assertThrows(NewerFormatException.class, () -> CommandCodec.decodeEntry(entry));
        assertTrue(e.getMessage(), e.getMessage().contains(why));
    }
}
