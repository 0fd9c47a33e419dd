package dev.cairn.launcher;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.StringReader;
import java.security.KeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.Test;

/** The JDK-only CSR must be one that Bouncy Castle (the server's reader) and OpenSSL accept. */
public class CertificateRequestTest {

    @Test
    public void theCsrCarriesTheSubjectAndPublicKeyAndVerifiesWithIt() throws Exception {
        KeyPair keys = CertificateRequest.newKeyPair();
        String pem = CertificateRequest.pem(keys, "system:node:agent1", "system:nodes");
        assertTrue(pem, pem.startsWith("-----BEGIN CERTIFICATE REQUEST-----\n"));
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            PKCS10CertificationRequest csr = (PKCS10CertificationRequest) parser.readObject();
            assertEquals("O=system:nodes,CN=system:node:agent1", csr.getSubject().toString());
            assertArrayEquals(keys.getPublic().getEncoded(), csr.getSubjectPublicKeyInfo().getEncoded());
            assertTrue(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(keys.getPublic())));
        }
    }

    @Test
    public void longNamesUseTheLongLengthForm() throws Exception {
        KeyPair keys = CertificateRequest.newKeyPair();
        String name = "system:node:" + "a".repeat(240);
        try (PEMParser parser = new PEMParser(new StringReader(CertificateRequest.pem(keys, name, "o")))) {
            PKCS10CertificationRequest csr = (PKCS10CertificationRequest) parser.readObject();
            assertEquals("O=o,CN=" + name, csr.getSubject().toString());
        }
        assertArrayEquals(new byte[] {0x04, 0x01, 0x07}, CertificateRequest.tagged(0x04, new byte[] {7}));
        assertEquals(0x81, CertificateRequest.tagged(0x04, new byte[200])[1] & 0xff);
        assertEquals(0x82, CertificateRequest.tagged(0x04, new byte[300])[1] & 0xff);
    }

    @Test
    public void pemRoundTrips() {
        byte[] der = {1, 2, 3, 4, 5};
        assertArrayEquals(der, CertificateRequest.Pem.decode("junk\n" + CertificateRequest.Pem.encode("X Y", der),
                "X Y"));
    }
}
