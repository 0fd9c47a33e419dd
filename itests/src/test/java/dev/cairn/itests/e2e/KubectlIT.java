package dev.cairn.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import dev.cairn.itests.e2e.support.Await;
import dev.cairn.itests.e2e.support.CairnProcess;
import dev.cairn.itests.e2e.support.Etcdctl;
import dev.cairn.itests.e2e.support.EtcdctlResult;
import dev.cairn.itests.e2e.support.Kubectl;
import dev.cairn.itests.e2e.support.Kubectl.Result;
import dev.cairn.itests.e2e.support.TlsProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The real kubectl (v1.32, unmodified, default validation and discovery) against a single SQLite server through
 * the admin kubeconfig the server writes: nodes, namespaces, the configmap and secret lifecycle including
 * client-side apply, a bounded watch, 401 without credentials, and {@code --disable-apiserver}.
 */
public class KubectlIT {
    private static final String ADDRESS = "127.0.0.40";
    private static final int HTTPS_PORT = 6443;
    private static final Path KUBECTL = Path.of("/usr/bin/kubectl");
    private static final Duration READY = Duration.ofSeconds(30);

    private CairnProcess server;

    @BeforeClass
    public static void requireKubectl() {
        assumeTrue("kubectl is installed at " + KUBECTL, Files.isExecutable(KUBECTL));
    }

    @After
    public void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private void startServer(String name, String... args) {
        server = CairnProcess.create(name, ADDRESS, args);
        server.start();
    }

    private Path kubeconfig() {
        return new Kubectl(server).kubeconfig();
    }

    private Result kubectl(String... args) {
        return new Kubectl(server).run(args);
    }

    private Result kubectlWithInput(String stdin, String... args) {
        return new Kubectl(server).runWithInput(stdin, args);
    }

    private static Result run(List<String> command, String stdin) {
        return Kubectl.command(command, stdin);
    }

    /** Waits until the API answers kubectl (the etcd port opens first). */
    private void awaitApi() {
        Await.until("kubectl get nodes to list " + server.name() + " as Ready", READY, () -> {
            if (!Files.exists(kubeconfig())) {
                return false;
            }
            Result r = kubectl("get", "nodes", "--no-headers");
            return r.exitCode() == 0 && r.stdout().contains(" Ready ");
        }, () -> server.logTail());
    }

    @Test
    public void getNodesListsThisServerAsAReadyControlPlane() throws Exception {
        startServer("kubectl-nodes");
        awaitApi();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kubeconfig())));
        assertTrue(Files.readString(kubeconfig()).contains("server: https://" + ADDRESS + ":6443"));

        String[] lines = kubectl("get", "nodes").requireSuccess("get nodes").stdout().split("\n");
        assertEquals(List.of("NAME", "STATUS", "ROLES", "AGE", "VERSION"), List.of(lines[0].trim().split("\\s+")));
        String[] row = lines[1].trim().split("\\s+");
        assertEquals("kubectl-nodes", row[0]);
        assertEquals("Ready", row[1]);
        assertEquals("control-plane,master", row[2]);
        assertEquals("v1.32.0+cairn", row[4]);

        String wide = kubectl("get", "nodes", "-o", "wide").requireSuccess("get nodes -o wide").stdout();
        assertTrue(wide, wide.startsWith("NAME") && wide.contains("INTERNAL-IP") && wide.contains("EXTERNAL-IP")
                && wide.contains("OS-IMAGE") && wide.contains("KERNEL-VERSION") && wide.contains(ADDRESS));

        String yaml = kubectl("get", "node", "kubectl-nodes", "-o", "yaml").requireSuccess("get node -o yaml").stdout();
        assertTrue(yaml, yaml.contains("kubeletVersion: v1.32.0+cairn"));
        assertTrue(yaml, yaml.contains("node-role.kubernetes.io/control-plane: \"true\""));
        assertTrue(yaml, yaml.contains("type: InternalIP"));

        String namespaces = kubectl("get", "ns").requireSuccess("get ns").stdout();
        for (String ns : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
            assertTrue(namespaces, namespaces.contains(ns + " "));
        }
        String leases = kubectl("get", "leases", "-n", "kube-node-lease").requireSuccess("get leases").stdout();
        assertTrue(leases, leases.contains("kubectl-nodes"));
        String version = kubectl("version", "-o", "json").requireSuccess("version").stdout();
        assertTrue(version, version.contains("\"gitVersion\": \"v1.32.0+cairn\""));
    }

    @Test
    public void configMapAndSecretLifecycle() throws Exception {
        startServer("kubectl-objects");
        awaitApi();
        kubectl("create", "configmap", "x", "--from-literal=a=1").requireSuccess("create configmap");
        assertEquals("1", kubectl("get", "cm", "x", "-o", "jsonpath={.data.a}").requireSuccess("get").stdout());
        kubectl("label", "cm", "x", "t=1").requireSuccess("label");
        kubectl("patch", "cm", "x", "--type", "merge", "-p", "{\"data\":{\"b\":\"2\"}}").requireSuccess("merge");
        kubectl("patch", "cm", "x", "--type", "json", "-p", "[{\"op\":\"replace\",\"path\":\"/data/a\","
                + "\"value\":\"9\"}]").requireSuccess("json patch");
        kubectl("patch", "cm", "x", "-p", "{\"data\":{\"c\":\"3\"}}").requireSuccess("strategic patch");
        assertEquals("{\"a\":\"9\",\"b\":\"2\",\"c\":\"3\"}", kubectl("get", "cm", "x", "-o", "jsonpath={.data}")
                .stdout());
        assertEquals("x", kubectl("get", "cm", "-l", "t=1", "-o", "jsonpath={.items[*].metadata.name}").stdout());
        String table = kubectl("get", "cm", "x").requireSuccess("get table").stdout();
        assertTrue(table, table.startsWith("NAME") && table.contains("DATA") && table.contains("AGE"));

        String manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: \"1\"\n"
                + "  b: \"2\"\n";
        assertTrue(kubectlWithInput(manifest, "apply", "-f", "-").requireSuccess("first apply").stdout()
                .contains("configmap/applied created"));
        Result second = kubectlWithInput(manifest.replace("  b: \"2\"\n", "  c: \"3\"\n"), "apply", "-f", "-")
                .requireSuccess("second apply");
        assertTrue(second.stdout(), second.stdout().contains("configmap/applied configured"));
        assertFalse(second.stderr(), second.stderr().contains("warning"));
        assertEquals("{\"a\":\"1\",\"c\":\"3\"}", kubectl("get", "cm", "applied", "-o", "jsonpath={.data}").stdout());

        kubectl("create", "secret", "generic", "s1", "--from-literal=p=q").requireSuccess("create secret");
        assertEquals("cQ==", kubectl("get", "secret", "s1", "-o", "jsonpath={.data.p}").stdout());
        String secrets = kubectl("get", "secrets").requireSuccess("get secrets").stdout();
        assertTrue(secrets, secrets.contains("TYPE") && secrets.contains("Opaque"));

        kubectl("delete", "cm", "x").requireSuccess("delete configmap");
        kubectl("delete", "secret", "s1").requireSuccess("delete secret");
        Result gone = kubectl("get", "cm", "x");
        assertEquals(1, gone.exitCode());
        assertTrue(gone.stderr(), gone.stderr().contains("NotFound"));
    }

    @Test
    public void watchSeesNewObjects() throws Exception {
        startServer("kubectl-watch");
        awaitApi();
        // an existing object first: once it is printed the list is done and the watch is running
        kubectl("create", "configmap", "existing", "--from-literal=k=v").requireSuccess("create");
        Path out = Files.createTempFile("kubectl-watch", ".out");
        Process watch = new ProcessBuilder(KUBECTL.toString(), "--kubeconfig", kubeconfig().toString(), "get", "cm",
                "-w").redirectOutput(out.toFile()).redirectErrorStream(true).start();
        try {
            Await.until("the watch to print the existing configmap", READY, () -> read(out).contains("existing"),
                    () -> read(out));
            kubectl("create", "configmap", "watched", "--from-literal=k=v").requireSuccess("create");
            Await.until("the watch to print the new configmap", READY, () -> read(out).contains("watched"),
                    () -> read(out));
        } finally {
            watch.destroy();
            watch.waitFor(5, TimeUnit.SECONDS);
            Files.deleteIfExists(out);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    public void noCredentialsIs401() {
        startServer("kubectl-anonymous");
        awaitApi();
        Result r = run(List.of("curl", "-sk", "-w", "\n%{http_code}", "https://" + ADDRESS + ":6443/api/v1/nodes"),
                null);
        assertTrue(r.stdout(), r.stdout().endsWith("\n401"));
        assertTrue(r.stdout(), r.stdout().contains("\"reason\":\"Unauthorized\""));
    }

    @Test
    public void disableApiserverServesNothingOn6443AndWritesNothingToTheStore() {
        startServer("kubectl-disabled", "--disable-apiserver");
        TlsProbe.Result probe = TlsProbe.connect(ADDRESS, HTTPS_PORT, server.tls().orElseThrow(),
                Duration.ofSeconds(2));
        assertEquals(probe.detail(), TlsProbe.Outcome.UNREACHABLE, probe.outcome());
        EtcdctlResult keys = new Etcdctl(server).run("get", "/registry", "--prefix", "--keys-only")
                .requireSuccess();
        assertEquals("", keys.stdout().trim());
        assertFalse(Files.exists(kubeconfig()));
    }
}
