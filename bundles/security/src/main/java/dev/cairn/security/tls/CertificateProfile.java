package dev.cairn.security.tls;

/**
 * What a leaf certificate says: its subject, what it may be used for, and (for serving certificates) the names
 * it must be valid for.
 *
 * @param commonName   the subject CN, e.g. {@code etcd-server}
 * @param organization the subject O, or null (Kubernetes reads it as the group: {@code system:masters})
 * @param serverAuth   extended key usage serverAuth
 * @param clientAuth   extended key usage clientAuth
 * @param altNames     the SANs; empty for client-only certificates
 */
record CertificateProfile(String commonName, String organization, boolean serverAuth, boolean clientAuth,
        SubjectAltNames altNames) {

    static CertificateProfile serving(String commonName, SubjectAltNames altNames) {
        return new CertificateProfile(commonName, null, true, true, altNames);
    }

    /** A certificate that only serves (the HTTPS API on 6443), like K3s's serving-kube-apiserver. */
    static CertificateProfile servingOnly(String commonName, SubjectAltNames altNames) {
        return new CertificateProfile(commonName, null, true, false, altNames);
    }

    static CertificateProfile client(String commonName, String organization) {
        return new CertificateProfile(commonName, organization, false, true, SubjectAltNames.of(java.util.List.of()));
    }

    boolean isServing() {
        return serverAuth;
    }
}
