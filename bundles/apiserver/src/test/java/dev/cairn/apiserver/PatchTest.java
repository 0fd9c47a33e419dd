package dev.cairn.apiserver;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import org.junit.Test;

public class PatchTest {
    private static JsonElement json(String s) {
        return JsonParser.parseString(s.replace('\'', '"'));
    }

    @Test
    public void mergePatchMergesObjectsAndNullRemoves() {
        JsonElement r = MergePatch.apply(json("{'data':{'a':'1','b':'2'},'metadata':{'name':'x'}}"),
                json("{'data':{'b':null,'c':'3'},'metadata':{'labels':{'t':'1'}}}"));
        assertEquals(json("{'data':{'a':'1','c':'3'},'metadata':{'name':'x','labels':{'t':'1'}}}"), r);
    }

    @Test
    public void jsonPatchOperations() {
        JsonElement r = JsonPatch.apply(json("{'data':{'a':'1'},'list':[1,2]}"), json("[{'op':'add','path':"
                + "'/data/b','value':'2'},{'op':'replace','path':'/data/a','value':'9'},{'op':'remove','path':"
                + "'/list/0'},{'op':'add','path':'/list/-','value':3},{'op':'test','path':'/data/b','value':'2'},"
                + "{'op':'copy','from':'/data/a','path':'/data/c'},{'op':'move','from':'/data/c','path':'/m'}]"));
        assertEquals(json("{'data':{'a':'9','b':'2'},'list':[2,3],'m':'9'}"), r);
    }

    @Test
    public void jsonPatchOnMissingPathIs422() {
        try {
            JsonPatch.apply(json("{}"), json("[{'op':'replace','path':'/nope','value':1}]"));
            fail();
        } catch (ApiException e) {
            assertEquals(422, e.code());
        }
    }

    @Test
    public void strategicMergeMergesConditionsByType() {
        JsonElement node = json("{'status':{'conditions':[{'type':'Ready','status':'True'},{'type':'Disk',"
                + "'status':'False'}]}}");
        JsonElement r = StrategicMergePatch.apply(node, json("{'status':{'conditions':[{'type':'Ready',"
                + "'status':'Unknown'},{'type':'Mem','status':'False'},{'type':'Disk','$patch':'delete'}]}}"));
        assertEquals(json("{'status':{'conditions':[{'type':'Ready','status':'Unknown'},{'type':'Mem',"
                + "'status':'False'}]}}"), r);
    }

    @Test
    public void strategicMergeAsKubectlApplySendsIt() {
        // the second `kubectl apply` of a ConfigMap whose key b was replaced by c
        JsonElement cm = json("{'data':{'a':'1','b':'2'},'metadata':{'name':'x','annotations':{'k':'old'}}}");
        JsonElement r = StrategicMergePatch.apply(cm, json("{'data':{'b':null,'c':'3'},'metadata':{"
                + "'annotations':{'k':'new'}},'$setElementOrder/finalizers':['a']}"));
        assertEquals(json("{'data':{'a':'1','c':'3'},'metadata':{'name':'x','annotations':{'k':'new'}}}"), r);
    }

    @Test
    public void strategicMergeDirectives() {
        JsonElement o = json("{'metadata':{'finalizers':['a','b']},'spec':{'x':1,'y':2}}");
        JsonElement r = StrategicMergePatch.apply(o, json("{'metadata':{'finalizers':['c'],"
                + "'$deleteFromPrimitiveList/finalizers':['a']},'spec':{'$patch':'replace','z':3}}"));
        assertEquals(json("{'metadata':{'finalizers':['b','c']},'spec':{'z':3}}"), r);
    }
}
