package dev.cairn.security.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/** EC P-256 key pairs: what K3s uses, fast to generate and understood by Go, OpenSSL and Netty alike. */
final class EcKeys {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] PROBE = "cairn key pair check".getBytes(StandardCharsets.US_ASCII);

    private EcKeys() {
    }

    static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate EC P-256 keys (jdk.crypto.ec missing?)", e);
        }
    }

    /**
     * True if {@code privateKey} is the private half of {@code publicKey}: a signature made with one verifies
     * with the other. Works for any key type a user may have placed in the directory (EC, RSA, Ed25519).
     */
    static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
        if (!privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        try {
            String algorithm = signatureAlgorithm(privateKey.getAlgorithm());
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The signature algorithm for a key type: SHA-256 with ECDSA for our own keys. */
    static String signatureAlgorithm(String keyAlgorithm) throws GeneralSecurityException {
        return switch (keyAlgorithm) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new GeneralSecurityException("unsupported key algorithm " + keyAlgorithm);
        };
    }
}
