package dev.cairn.launcher;

import static org.junit.Assert.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** The agent's JSON documents: written in key order, read back the same. */
public class JsonWriteTest {

    @Test
    public void writesNestedDocumentsThatReadBack() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", "a\"b\n");
        doc.put("n", 40);
        doc.put("ok", true);
        doc.put("none", null);
        doc.put("list", List.of(Map.of("k", "v"), "x"));
        doc.put("empty", Map.of());
        String text = Json.write(doc);
        assertEquals("{\"name\":\"a\\\"b\\n\",\"n\":40,\"ok\":true,\"none\":null,\"list\":[{\"k\":\"v\"},\"x\"],"
                + "\"empty\":{}}", text);
        assertEquals("a\"b\n", Json.member(Json.parse(text), "name"));
    }
}
