package dev.cairn.security.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads and writes PEM certificates and keys. Writes are atomic (temporary file, fsync, rename, fsync of the
 * directory) so a crash never leaves a half-written key; keys are created with mode 0600 from the first byte.
 *
 * <p>Only the JDK's own crypto providers are used (Bouncy Castle only builds certificates and reads traditional
 * EC keys), so no provider is registered in the JVM-wide {@code java.security.Security} list, which would outlive
 * this bundle.
 */
final class PemFiles {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private PemFiles() {
    }

    /**
     * Reads the first certificate of a PEM file with the JDK's own parser: it is needed for TLS anyway, while Bouncy
     * Castle's PEM classes would cost a few hundred milliseconds of class loading at every start.
     */
    static X509Certificate readCertificate(Path file, String hint) throws IOException {
        byte[] content = read(file, hint);
        if (!new String(content, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
            throw new TlsFileException(file, "does not hold a PEM certificate (no BEGIN CERTIFICATE line); " + hint);
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(content));
        } catch (CertificateException | RuntimeException e) {
            throw new TlsFileException(file, "holds an unreadable certificate (" + e.getMessage() + "); " + hint, e);
        }
    }

    /**
     * Reads an unencrypted private key: PKCS#8 ({@code BEGIN PRIVATE KEY}, what this bundle writes) with the JDK,
     * or the traditional {@code BEGIN EC PRIVATE KEY} of {@code openssl ecparam -genkey} with Bouncy Castle.
     */
    static PrivateKey readPrivateKey(Path file, String hint) throws IOException {
        String text = new String(read(file, hint), StandardCharsets.US_ASCII);
        if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            throw new TlsFileException(file, "holds an encrypted private key; store it unencrypted (PKCS#8)");
        }
        byte[] pkcs8 = pemBlock(text, "PRIVATE KEY");
        if (pkcs8 == null) {
            return readTraditionalKey(file, text, hint);
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException | RuntimeException wrongAlgorithm) {
                // try the next key type
            }
        }
        throw new TlsFileException(file, "holds an unreadable private key (not an EC, RSA or Ed25519 PKCS#8 key); "
                + hint);
    }

    private static PrivateKey readTraditionalKey(Path file, String text, String hint) throws IOException {
        Object pem;
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            pem = parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw new TlsFileException(file, "is not valid PEM (" + e.getMessage() + "); " + hint, e);
        }
        if (!(pem instanceof PEMKeyPair traditional)) {
            throw new TlsFileException(file, "does not hold a PEM private key (found " + describe(pem) + "); " + hint);
        }
        try {
            return new JcaPEMKeyConverter().getPrivateKey(traditional.getPrivateKeyInfo());
        } catch (IOException | RuntimeException e) {
            throw new TlsFileException(file, "holds an unreadable private key (" + e.getMessage() + "); " + hint, e);
        }
    }

    /** The DER bytes of the first {@code -----BEGIN <type>-----} block, null if there is none. */
    private static byte[] pemBlock(String text, String type) throws TlsFileException {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = text.indexOf(begin);
        int to = from < 0 ? -1 : text.indexOf(end, from);
        if (from < 0 || to < 0) {
            return null;
        }
        String base64 = text.substring(from + begin.length(), to).replaceAll("\\s", "");
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return new byte[0]; // reported by the caller as an unreadable key
        }
    }

    private static byte[] read(Path file, String hint) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TlsFileException(file, "is missing; " + hint, e);
        } catch (AccessDeniedException e) {
            throw new TlsFileException(file, "cannot be read: permission denied", e);
        } catch (IOException e) {
            throw new TlsFileException(file, "cannot be read (" + e + ")", e);
        }
    }

    private static String describe(Object pem) {
        return pem == null ? "no PEM block" : pem.getClass().getSimpleName();
    }

    static void writeCertificate(Path file, X509Certificate cert) throws IOException {
        try {
            writeAtomically(file, pem("CERTIFICATE", cert.getEncoded()), WORLD_READABLE);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException("cannot encode certificate for " + file, e);
        }
    }

    /** Writes the key as unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}), mode 0600. */
    static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new IllegalArgumentException("expected a PKCS#8 key, got " + key.getFormat());
        }
        writeAtomically(file, pem("PRIVATE KEY", key.getEncoded()), OWNER_ONLY);
    }

    /** Creates {@code dir} (and missing parents) and restricts it to its owner: it holds private keys. */
    static void ensurePrivateDirectory(Path dir) throws IOException {
        if (POSIX) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
        } else {
            Files.createDirectories(dir);
        }
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static void writeAtomically(Path file, String content, Set<PosixFilePermission> mode) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        FileAttribute<?>[] attrs = POSIX
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)}
                : new FileAttribute<?>[0];
        try (FileChannel channel = FileChannel.open(tmp,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs)) {
            Writer writer = Channels.newWriter(channel, StandardCharsets.US_ASCII);
            writer.write(content);
            writer.flush();
            channel.force(true);
        }
        if (POSIX) {
            Files.setPosixFilePermissions(tmp, mode); // the umask may have narrowed the create mode
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(file.getParent());
    }

    private static void syncDirectory(Path dir) throws IOException {
        if (!POSIX) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
