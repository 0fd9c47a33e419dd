package dev.cairn.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Bundle jars for tests: the real Config Admin, and tiny bundles built on the fly. */
final class TestBundles {

    private TestBundles() {
    }

    /** A Cairn home: {@code <home>/bundle/} with Config Admin in it. */
    static Path home(Path dir) throws IOException {
        Path bundles = Files.createDirectories(dir.resolve("bundle"));
        Files.copy(configAdminJar(), bundles.resolve("org.apache.felix.configadmin.jar"));
        return dir;
    }

    /** The Config Admin bundle, located through one of its classes on the test class path. */
    static Path configAdminJar() {
        try {
            Class<?> activator = Class.forName("org.apache.felix.cm.impl.Activator");
            return Path.of(activator.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (ClassNotFoundException | URISyntaxException e) {
            throw new IllegalStateException("org.apache.felix.configadmin is not on the test class path", e);
        }
    }

    /** A bundle whose activator calls the fatal-error service. */
    static void fatalBundle(Path bundleDir) throws IOException {
        activatorBundle(bundleDir, "test.fatal", dev.cairn.launcher.testbundle.FatalOnStart.class);
    }

    /** A bundle whose activator calls the exit service, like a finished cluster reset. */
    static void exitBundle(Path bundleDir) throws IOException {
        activatorBundle(bundleDir, "test.exit", dev.cairn.launcher.testbundle.ExitOnStart.class);
    }

    private static void activatorBundle(Path bundleDir, String symbolicName, Class<?> activatorClass)
            throws IOException {
        Manifest manifest = manifest(symbolicName, "org.osgi.framework");
        String activator = activatorClass.getName();
        manifest.getMainAttributes().putValue("Bundle-Activator", activator);
        String entry = activator.replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(bundleDir.resolve(symbolicName.replace('.', '-') + ".jar"));
             JarOutputStream jar = new JarOutputStream(out, manifest);
             InputStream classFile = TestBundles.class.getClassLoader().getResourceAsStream(entry)) {
            jar.putNextEntry(new JarEntry(entry));
            classFile.transferTo(jar);
            jar.closeEntry();
        }
    }

    /** A bundle importing a package nobody exports. */
    static void unresolvableBundle(Path bundleDir) throws IOException {
        try (OutputStream out = Files.newOutputStream(bundleDir.resolve("test-broken.jar"));
             JarOutputStream jar = new JarOutputStream(out, manifest("test.broken", "com.example.missing"))) {
            jar.putNextEntry(new JarEntry("readme.txt"));
            jar.write("nothing".getBytes());
            jar.closeEntry();
        }
    }

    private static Manifest manifest(String symbolicName, String imports) {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Import-Package", imports);
        return manifest;
    }
}
