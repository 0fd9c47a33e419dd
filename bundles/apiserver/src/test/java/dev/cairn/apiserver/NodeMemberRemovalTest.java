package dev.cairn.apiserver;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class NodeMemberRemovalTest {
    @Test
    public void aMemberBelongsToTheNodeWhoseNameItCarries() {
        assertTrue(NodeMemberRemoval.isNodesMember("server-1-5a862b18", "server-1"));
        assertTrue(NodeMemberRemoval.isNodesMember("s3", "s3"));
        assertFalse(NodeMemberRemoval.isNodesMember("server-1-5a862b18", "server"));
        assertFalse(NodeMemberRemoval.isNodesMember("s33-5a862b18", "s3"));
        assertFalse("an unstarted member has no name", NodeMemberRemoval.isNodesMember("", "s3"));
    }
}
