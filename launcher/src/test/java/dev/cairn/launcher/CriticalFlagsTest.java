package dev.cairn.launcher;

import static org.junit.Assert.assertEquals;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class CriticalFlagsTest {

    private static final String CLUSTER = "{\"critical\":{\"cluster-cidr\":\"10.42.0.0/16\",\"service-cidr\":"
            + "\"10.43.0.0/16\",\"cluster-dns\":\"10.43.0.10\",\"cluster-domain\":\"cluster.local\",\"disable\":"
            + "[\"traefik\",\"servicelb\"],\"disable-helm-controller\":false,\"disable-kube-proxy\":true,"
            + "\"disable-network-policy\":false,\"secrets-encryption\":false}}";

    private final Map<Flag, List<String>> cli = new EnumMap<>(Flag.class);

    @Test
    public void equalFlagsHaveNoDifferenceWhateverTheOrderOrSpelling() throws Exception {
        cli.put(Flag.DISABLE, List.of("traefik,servicelb"));
        cli.put(Flag.DISABLE_KUBE_PROXY, List.of("true"));

        assertEquals(List.of(), local().differencesFrom(cluster(CLUSTER.replace("10.42.0.0/16", "10.42.3.4/16"))));
    }

    @Test
    public void everyDifferenceIsNamedWithBothValues() throws Exception {
        cli.put(Flag.CLUSTER_CIDR, List.of("10.50.0.0/16"));
        cli.put(Flag.SECRETS_ENCRYPTION, List.of("true"));
        cli.put(Flag.DISABLE, List.of("traefik,servicelb"));

        List<String> differences = local().differencesFrom(cluster(CLUSTER));

        assertEquals(List.of("--cluster-cidr (this server 10.50.0.0/16, cluster 10.42.0.0/16)",
                "--disable-kube-proxy (this server false, cluster true)",
                "--secrets-encryption (this server true, cluster false)"), differences);
        assertEquals("critical configuration value mismatch between servers: --cluster-cidr (this server "
                + "10.50.0.0/16, cluster 10.42.0.0/16), --disable-kube-proxy (this server false, cluster true), "
                + "--secrets-encryption (this server true, cluster false)", CriticalFlags.mismatch(differences));
    }

    @Test
    public void flagsAnOlderServerDoesNotSendAreNotCompared() throws Exception {
        cli.put(Flag.DISABLE_HELM_CONTROLLER, List.of("true"));

        assertEquals(List.of(), local().differencesFrom(cluster("{\"critical\":{\"cluster-cidr\":\"10.42.0.0/16\"}}")));
    }

    @Test(expected = IllegalArgumentException.class)
    public void malformedAnswerIsRejected() {
        cluster("{\"critical\":{\"disable\":\"traefik\"}}");
    }

    private CriticalFlags local() throws SettingsException {
        return CriticalFlags.of(new SettingsSources(cli, Map.of(), ConfigFile.none(Path.of("/none.yaml")))
                .resolve(FixedHost.WITH_IP));
    }

    private static CriticalFlags cluster(String json) {
        return CriticalFlags.fromConfigAnswer(Json.parse(json));
    }
}
