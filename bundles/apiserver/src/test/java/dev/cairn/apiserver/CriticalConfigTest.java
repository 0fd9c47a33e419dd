package dev.cairn.apiserver;

import static org.junit.Assert.assertEquals;

import java.util.List;
import org.junit.Test;

public class CriticalConfigTest {

    @Test
    public void disableListsAreSplitSortedAndDeduplicated() {
        assertEquals(List.of("a", "b", "c"), CriticalConfig.normalizeDisable(new String[] {"c, a", "b,,a", " "}));
        assertEquals(List.of(), CriticalConfig.normalizeDisable(null));
    }
}
