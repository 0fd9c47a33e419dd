package dev.cairn.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import dev.cairn.itests.e2e.support.Await;
import dev.cairn.itests.e2e.support.CairnProcess;
import dev.cairn.itests.e2e.support.Kubectl;
import dev.cairn.itests.e2e.support.Kubectl.Result;
import dev.cairn.itests.e2e.support.Etcdctl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * {@code --secrets-encryption} with the real kubectl and etcdctl: a Secret is ciphertext in the datastore
 * (Kubernetes' {@code k8s:enc:aescbc:v1:} format) and plaintext through the API, before and after a restart, and
 * still readable after a restart with the flag turned off; a ConfigMap stays plaintext.
 */
public class SecretsEncryptionIT {
    private static final String ADDRESS = "127.0.0.30";
    private static final Path KUBECTL = Path.of("/usr/bin/kubectl");
    private static final Duration READY = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Pattern ETCD_VALUE = Pattern.compile("\"value\":\"([A-Za-z0-9+/=]*)\"");

    private final List<CairnProcess> servers = new ArrayList<>();
    private CairnProcess server;

    /** One finished command. */

    @BeforeClass
    public static void requireTools() {
        assumeTrue("kubectl is installed at " + KUBECTL, Files.isExecutable(KUBECTL));
        assumeTrue("etcdctl is installed at " + Etcdctl.BINARY, Files.isExecutable(Path.of(Etcdctl.BINARY)));
    }

    @After
    public void stopServers() {
        // newest first: the first one owns the data directory and deletes it on close
        for (int i = servers.size() - 1; i >= 0; i--) {
            servers.get(i).close();
        }
    }

    @Test
    public void secretIsCiphertextInTheStoreAndPlaintextThroughKubectlAcrossRestarts() throws Exception {
        server = CairnProcess.create("secrets-encryption", ADDRESS, "--secrets-encryption");
        servers.add(server);
        server.start();
        awaitApi();
        Path keyFile = server.dataDir().resolve("server/cred/encryption-config.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        String keys = Files.readString(keyFile);

        kubectl("create", "secret", "generic", "s1", "--from-literal=password=hunter2")
                .requireSuccess("create secret");
        kubectl("create", "configmap", "c1", "--from-literal=colour=blue").requireSuccess("create configmap");

        byte[] stored = storedValue("/registry/secrets/default/s1");
        String text = new String(stored, StandardCharsets.ISO_8859_1);
        assertTrue(text, text.startsWith("k8s:enc:aescbc:v1:aescbckey-"));
        assertFalse(text, text.contains("hunter2"));
        assertFalse(text, text.contains(Base64.getEncoder().encodeToString("hunter2".getBytes(StandardCharsets.UTF_8))));
        String configMap = new String(storedValue("/registry/configmaps/default/c1"), StandardCharsets.UTF_8);
        assertTrue("only Secrets are encrypted: " + configMap, configMap.startsWith("{") && configMap.contains("blue"));
        assertEquals("hunter2", password("s1"));

        stop(server);
        server.restart();
        awaitApi();
        assertEquals("hunter2", password("s1"));
        assertEquals("the key is reused, never regenerated", keys, Files.readString(keyFile));

        // turning the flag off keeps what was stored encrypted readable: the key file is still there
        stop(server);
        server = CairnProcess.onDataDir("secrets-encryption-off", ADDRESS, server.dataDir());
        servers.add(server);
        server.start();
        awaitApi();
        assertEquals("hunter2", password("s1"));
        kubectl("create", "secret", "generic", "s2", "--from-literal=password=plain").requireSuccess("create s2");
        assertTrue(new String(storedValue("/registry/secrets/default/s2"), StandardCharsets.UTF_8).startsWith("{"));
    }

    private String password(String secret) {
        String encoded = kubectl("get", "secret", secret, "-o", "jsonpath={.data.password}")
                .requireSuccess("get secret " + secret).stdout().trim();
        return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    /**
     * The raw bytes the datastore holds for {@code key}. {@code -w json} carries them base64-encoded, exactly; the
     * plain output would be binary (the IV and ciphertext), which the etcdctl helper cannot read as text.
     */
    private byte[] storedValue(String key) {
        String json = new Etcdctl(server).run("get", key, "-w", "json").requireSuccess().stdout();
        Matcher m = ETCD_VALUE.matcher(json);
        assertTrue("etcdctl get " + key + " returned no value: " + json, m.find());
        return Base64.getDecoder().decode(m.group(1));
    }

    private void stop(CairnProcess process) {
        assertTrue("the server stops on SIGTERM\n" + process.logTail(), process.stop(STOP_GRACE).withinGrace());
    }

    private Path kubeconfig() {
        return new Kubectl(server).kubeconfig();
    }

    private Result kubectl(String... args) {
        return new Kubectl(server).run(args);
    }

    private void awaitApi() {
        new Kubectl(server).awaitApi();
    }
}
