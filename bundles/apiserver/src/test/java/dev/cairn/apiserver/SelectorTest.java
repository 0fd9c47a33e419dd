package dev.cairn.apiserver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.Map;
import org.junit.Test;

public class SelectorTest {
    private static final Map<String, String> LABELS = Map.of("app", "web", "tier", "front", "env", "prod");

    @Test
    public void labelEqualityAndInequality() {
        assertTrue(LabelSelector.parse("app=web").matches(LABELS));
        assertTrue(LabelSelector.parse("app==web,tier=front").matches(LABELS));
        assertFalse(LabelSelector.parse("app=db").matches(LABELS));
        assertTrue(LabelSelector.parse("app!=db").matches(LABELS));
        assertTrue(LabelSelector.parse("missing!=x").matches(LABELS));
        assertFalse(LabelSelector.parse("app!=web").matches(LABELS));
    }

    @Test
    public void labelSetsAndExistence() {
        assertTrue(LabelSelector.parse("env in (prod, staging)").matches(LABELS));
        assertFalse(LabelSelector.parse("env in (dev)").matches(LABELS));
        assertTrue(LabelSelector.parse("env notin (dev,qa),app").matches(LABELS));
        assertFalse(LabelSelector.parse("env notin (prod)").matches(LABELS));
        assertTrue(LabelSelector.parse("tier").matches(LABELS));
        assertFalse(LabelSelector.parse("!tier").matches(LABELS));
        assertTrue(LabelSelector.parse("!absent").matches(LABELS));
        assertFalse(LabelSelector.parse("absent in (x)").matches(LABELS));
        assertTrue(LabelSelector.parse("").matches(Map.of()));
    }

    @Test
    public void badLabelSelectorIs400() {
        try {
            LabelSelector.parse("app in prod");
            fail();
        } catch (ApiException e) {
            assertEquals(400, e.code());
        }
    }

    @Test
    public void fieldSelectorsOnDottedPaths() {
        JsonObject o = JsonParser.parseString("{\"metadata\":{\"name\":\"x\",\"namespace\":\"default\"},"
                + "\"type\":\"Opaque\"}").getAsJsonObject();
        assertTrue(FieldSelector.parse("metadata.name=x").matches(o));
        assertTrue(FieldSelector.parse("metadata.name==x,metadata.namespace!=kube-system").matches(o));
        assertFalse(FieldSelector.parse("metadata.name=y").matches(o));
        assertTrue(FieldSelector.parse("type=Opaque").matches(o));
        assertEquals("x", FieldSelector.parse("metadata.namespace=default,metadata.name=x").pinnedName());
        assertNull(FieldSelector.parse("metadata.name!=x").pinnedName());
    }
}
