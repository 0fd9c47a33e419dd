package dev.cairn.apiserver;

import static org.junit.Assert.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.Test;

public class TableRendererTest {
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private final TableRenderer tables = new TableRenderer(Clock.fixed(NOW, ZoneOffset.UTC));

    /** JSON with single quotes, for readable literals. */
    private static com.google.gson.JsonElement parse(String s) {
        return JsonParser.parseString(s.replace('\'', '"'));
    }

    @Test
    public void humanDurationsAsKubernetesPrintsThem() {
        assertEquals("45s", TableRenderer.humanDuration(Duration.ofSeconds(45)));
        assertEquals("119s", TableRenderer.humanDuration(Duration.ofSeconds(119)));
        assertEquals("3m20s", TableRenderer.humanDuration(Duration.ofSeconds(200)));
        assertEquals("5m", TableRenderer.humanDuration(Duration.ofMinutes(5)));
        assertEquals("28m", TableRenderer.humanDuration(Duration.ofMinutes(28)));
        assertEquals("5h30m", TableRenderer.humanDuration(Duration.ofMinutes(330)));
        assertEquals("10h", TableRenderer.humanDuration(Duration.ofHours(10)));
        assertEquals("2d3h", TableRenderer.humanDuration(Duration.ofHours(51)));
        assertEquals("400d", TableRenderer.humanDuration(Duration.ofDays(400)));
        assertEquals("3y20d", TableRenderer.humanDuration(Duration.ofDays(3 * 365 + 20)));
    }

    @Test
    public void nodeRowHasTheKubectlColumns() {
        JsonObject node = parse("{'metadata':{'name':'server1','creationTimestamp':"
                + "'2026-01-01T11:32:00Z','labels':{'node-role.kubernetes.io/master':'true',"
                + "'node-role.kubernetes.io/control-plane':'true','node-role.kubernetes.io/etcd':'true'}},"
                + "'status':{'conditions':[{'type':'Ready','status':'True'}],'addresses':[{'type':'InternalIP',"
                + "'address':'10.0.0.1'},{'type':'Hostname','address':'server1'}],'nodeInfo':{'kubeletVersion':"
                + "'v1.32.0+cairn','osImage':'Debian','kernelVersion':'6.1','containerRuntimeVersion':'none'}}}")
                .getAsJsonObject();
        JsonObject table = tables.render(ResourceType.NODES, node, true);
        assertEquals("Table", table.get("kind").getAsString());
        JsonArray cells = table.getAsJsonArray("rows").get(0).getAsJsonObject().getAsJsonArray("cells");
        assertEquals(parse("['server1','Ready','control-plane,etcd,master','28m','v1.32.0+cairn',"
                + "'10.0.0.1','<none>','Debian','6.1','none']"), cells);
        assertEquals(10, table.getAsJsonArray("columnDefinitions").size());
        assertEquals("PartialObjectMetadata", table.getAsJsonArray("rows").get(0).getAsJsonObject()
                .getAsJsonObject("object").get("kind").getAsString());
    }

    @Test
    public void notReadyAndRolesWithoutLabels() {
        JsonObject node = parse("{'status':{'conditions':[{'type':'Ready','status':'Unknown'}]}}")
                .getAsJsonObject();
        assertEquals("NotReady", TableRenderer.nodeStatus(node));
        assertEquals("<none>", TableRenderer.roles(Map.of()));
    }

    @Test
    public void configMapAndSecretRows() {
        JsonObject list = parse("{'metadata':{'resourceVersion':'7'},'items':[{'metadata':{"
                + "'name':'c','creationTimestamp':'2026-01-01T11:59:00Z'},'data':{'a':'1'},'binaryData':{'b':'AA=='}}"
                + "]}").getAsJsonObject();
        JsonObject table = tables.render(ResourceType.CONFIGMAPS, list, true);
        assertEquals("7", table.getAsJsonObject("metadata").get("resourceVersion").getAsString());
        assertEquals(parse("['c',2,'60s']"),
                table.getAsJsonArray("rows").get(0).getAsJsonObject().get("cells"));
        JsonObject secret = parse("{'metadata':{'name':'s','creationTimestamp':"
                + "'2026-01-01T11:59:30Z'},'type':'Opaque','data':{'a':'MQ=='}}").getAsJsonObject();
        assertEquals(parse("['s','Opaque',1,'30s']"), tables.render(ResourceType.SECRETS, secret,
                true).getAsJsonArray("rows").get(0).getAsJsonObject().get("cells"));
    }

    @Test
    public void eventRowAsKubectlGetEventsPrintsIt() {
        JsonObject event = parse("{'metadata':{'name':'e1','creationTimestamp':'2026-01-01T11:00:00Z'},"
                + "'involvedObject':{'kind':'Node','name':'server1'},'reason':'Starting','message':'Started',"
                + "'type':'Normal','count':3,'firstTimestamp':'2026-01-01T11:00:00Z','lastTimestamp':"
                + "'2026-01-01T11:59:15Z','source':{'component':'cairn'}}").getAsJsonObject();
        JsonObject table = tables.render(ResourceType.EVENTS, event, true);
        assertEquals(parse("['45s','Normal','Starting','node/server1','','cairn','Started','60m','3','e1']"),
                table.getAsJsonArray("rows").get(0).getAsJsonObject().get("cells"));
        assertEquals("Last Seen", table.getAsJsonArray("columnDefinitions").get(0).getAsJsonObject().get("name")
                .getAsString());
    }
}
