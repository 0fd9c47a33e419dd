package dev.cairn.launcher;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * An EC P-256 key pair and its PKCS#10 certificate signing request (RFC 2986), encoded with the JDK alone: the
 * launcher runs outside the framework and carries no Bouncy Castle. The server takes only the public key from it
 * and chooses the subject itself; the subject here says what the agent asks for.
 */
final class CertificateRequest {
    /** 2.5.4.3 commonName, 2.5.4.10 organizationName. */
    private static final byte[] OID_CN = {0x06, 0x03, 0x55, 0x04, 0x03};
    private static final byte[] OID_O = {0x06, 0x03, 0x55, 0x04, 0x0a};
    /** 1.2.840.10045.4.3.2 ecdsa-with-SHA256. */
    private static final byte[] ECDSA_SHA256 = {0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03,
        0x02};

    private CertificateRequest() {
    }

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate EC P-256 keys (jdk.crypto.ec missing?)", e);
        }
    }

    /** The PEM CSR ({@code BEGIN CERTIFICATE REQUEST}) for {@code O=organization, CN=commonName}. */
    static String pem(KeyPair keys, String commonName, String organization) {
        byte[] info = sequence(concat(new byte[] {0x02, 0x01, 0x00}, name(commonName, organization),
                keys.getPublic().getEncoded(), new byte[] {(byte) 0xa0, 0x00}));
        byte[] signature;
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(keys.getPrivate());
            signer.update(info);
            signature = signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the certificate request: " + e.getMessage(), e);
        }
        byte[] bitString = tagged(0x03, concat(new byte[] {0x00}, signature));
        byte[] der = sequence(concat(info, sequence(ECDSA_SHA256), bitString));
        return Pem.encode("CERTIFICATE REQUEST", der);
    }

    /** A Name of two RDNs, O then CN, as UTF8Strings. */
    private static byte[] name(String commonName, String organization) {
        return sequence(concat(rdn(OID_O, organization), rdn(OID_CN, commonName)));
    }

    private static byte[] rdn(byte[] oid, String value) {
        byte[] attribute = sequence(concat(oid, tagged(0x0c, value.getBytes(StandardCharsets.UTF_8))));
        return tagged(0x31, attribute);
    }

    private static byte[] sequence(byte[] content) {
        return tagged(0x30, content);
    }

    /** DER: tag, definite length (short or long form), content. */
    static byte[] tagged(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length & 0xff);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** PEM armour. */
    static final class Pem {
        private Pem() {
        }

        static String encode(String type, byte[] der) {
            return "-----BEGIN " + type + "-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                    + "\n-----END " + type + "-----\n";
        }

        /** The DER of the first block of {@code type}. */
        static byte[] decode(String pem, String type) {
            String begin = "-----BEGIN " + type + "-----";
            String end = "-----END " + type + "-----";
            int from = pem.indexOf(begin);
            int to = pem.indexOf(end, from + 1);
            if (from < 0 || to < 0) {
                throw new IllegalArgumentException("no " + type + " PEM block");
            }
            return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
        }
    }
}
