package dev.cairn.security.cred;

import dev.cairn.security.api.ClusterCredentials;
import dev.cairn.security.api.ClusterTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Hashtable;
import java.util.function.Consumer;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Once the cluster CAs exist (the {@link ClusterTls} service), settles this server's password, writes
 * {@code <data.dir>/server/token} and {@code server/cred/passwd}, then registers {@link ClusterCredentials}; the
 * service therefore exists only while both files agree with it.
 */
@Component(configurationPid = "cairn.server", configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
// no @Designate: bnd allows one designate per PID in a bundle, and ClusterTlsComponent has cairn.server's
public final class ClusterCredentialsComponent {

    @ObjectClassDefinition(name = "Cairn cluster credentials",
            description = "The server token (<data.dir>/server/token) and the password file server/cred/passwd.")
    @interface Config {
        @AttributeDefinition(description = "The server's data directory.")
        String data_dir();

        @AttributeDefinition(type = AttributeType.PASSWORD, description = "The cluster token, K10<ca hash>::server:"
                + "<password> or a bare password; empty: the one in server/token, or a new random one.")
        String _token() default "";
    }

    /** Static: the CA files never change while the server runs, so the token's CA hash does not either. */
    @Reference
    ClusterTls tls;

    /** The launcher's fatal-error sink: a token that does not match the cluster's must stop the process. */
    @Reference(target = "(cairn.fatal=true)", cardinality = ReferenceCardinality.OPTIONAL)
    Consumer<String> fatal;

    SecureRandom random = new SecureRandom();

    private ServiceRegistration<ClusterCredentials> registration;

    @Activate
    void activate(BundleContext context, Config config) throws IOException {
        try {
            Path serverDir = dataDir(config).resolve("server");
            byte[] serverCa = Files.readAllBytes(tls.serverCa());
            ServerCredentials credentials = new ServerCredentials(
                    new CredentialFiles(serverDir, random).establish(config._token(), serverCa));
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put("token.file", serverDir.resolve("token").toString());
            registration = context.registerService(ClusterCredentials.class, credentials, properties);
        } catch (IOException | RuntimeException e) {
            if (fatal == null) {
                throw e; // embedded without the launcher: SCR logs it, the component stays without a service
            }
            fatal.accept(e.getMessage()); // the launcher prints it once and stops the process with status 1
        }
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
    }

    private static Path dataDir(Config config) {
        String dir = config.data_dir();
        if (dir == null || dir.isBlank()) {
            throw new IllegalArgumentException("configuration cairn.server has no data.dir; set it (--data-dir)");
        }
        return Path.of(dir).toAbsolutePath();
    }
}
