package dev.cairn.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class JsonTest {

    @Test
    public void readsWhatSupervisorsWrite() {
        Object document = Json.parse(" {\"ID\": 17293822569102704640, \"small\":42, \"neg\":-1.5e2,\t\"ok\":true,"
                + "\"none\":null, \"list\":[\"a\\/b\", \"\\u00e9\\n\"], \"empty\":{}}\n");

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("ID", new BigInteger("17293822569102704640"));
        expected.put("small", 42L);
        expected.put("neg", -150.0);
        expected.put("ok", true);
        expected.put("none", null);
        expected.put("list", List.of("a/b", "é\n"));
        expected.put("empty", Map.of());
        assertEquals(expected, document);
    }

    @Test
    public void quotedStringsReadBack() {
        String text = "quote \" backslash \\ tab \t newline \n bell \u0007 é";
        assertEquals(text, Json.parse(Json.quote(text)));
    }

    @Test
    public void malformedDocumentsAreRejected() {
        for (String bad : Arrays.asList("", "{", "{\"a\":1,}", "[1 2]", "{\"a\":1,\"a\":2}", "\"\\x\"", "01",
                "{\"a\":1} x", "tru", "\"line\nbreak\"")) {
            try {
                Json.parse(bad);
                fail("accepted: " + bad);
            } catch (IllegalArgumentException expected) {
                // rejected
            }
        }
    }
}
