package dev.cairn.security.tls;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.util.IPAddress;

/**
 * The DNS names and IP addresses a serving certificate must carry. IPs are kept in canonical form
 * ({@code ::1}, not {@code 0:0:0:0:0:0:0:1}) and DNS names in lower case, so sets compare as clients do.
 */
public final class SubjectAltNames {

    private final Set<String> dnsNames;
    private final Set<String> ipAddresses;

    private SubjectAltNames(Set<String> dnsNames, Set<String> ipAddresses) {
        this.dnsNames = Set.copyOf(dnsNames);
        this.ipAddresses = Set.copyOf(ipAddresses);
    }

    /** Classifies each entry as an IP address (IPv4 or IPv6 literal) or a DNS name; blanks are skipped. */
    public static SubjectAltNames of(Collection<String> names) {
        Set<String> dns = new LinkedHashSet<>();
        Set<String> ips = new LinkedHashSet<>();
        for (String raw : names) {
            String name = raw == null ? "" : raw.trim();
            if (name.isEmpty()) {
                continue;
            }
            String ip = canonicalIp(name);
            if (ip != null) {
                ips.add(ip);
            } else {
                dns.add(name.toLowerCase(Locale.ROOT));
            }
        }
        return new SubjectAltNames(dns, ips);
    }

    /** The SANs in an existing certificate. */
    static SubjectAltNames of(X509Certificate cert) throws CertificateParsingException {
        Collection<List<?>> entries = cert.getSubjectAlternativeNames();
        List<String> names = new ArrayList<>();
        if (entries != null) {
            for (List<?> entry : entries) {
                int type = (Integer) entry.get(0);
                if (type == GeneralName.dNSName || type == GeneralName.iPAddress) {
                    names.add((String) entry.get(1));
                }
            }
        }
        return of(names);
    }

    public Set<String> dnsNames() {
        return dnsNames;
    }

    public Set<String> ipAddresses() {
        return ipAddresses;
    }

    /** The names in this set that {@code other} lacks, IPs first. */
    List<String> missingFrom(SubjectAltNames other) {
        List<String> missing = new ArrayList<>();
        ipAddresses.stream().filter(ip -> !other.ipAddresses.contains(ip)).sorted().forEach(missing::add);
        dnsNames.stream().filter(dns -> !other.dnsNames.contains(dns)).sorted().forEach(missing::add);
        return missing;
    }

    GeneralNames toGeneralNames() {
        List<GeneralName> names = new ArrayList<>();
        dnsNames.stream().sorted().forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
        ipAddresses.stream().sorted().forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    boolean isEmpty() {
        return dnsNames.isEmpty() && ipAddresses.isEmpty();
    }

    /**
     * The canonical text of an IP literal (RFC 5952 for IPv6: {@code ::1}, not {@code 0:0:0:0:0:0:0:1}), or null
     * if {@code name} is not one. Never does a DNS lookup.
     */
    static String canonicalIp(String name) {
        String bare = name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
        if (!IPAddress.isValid(bare)) {
            return null;
        }
        try {
            InetAddress address = InetAddress.getByName(bare);
            return address instanceof Inet6Address ? compressed(address.getAddress()) : address.getHostAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String compressed(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not compressed (RFC 5952 4.2.2)
        for (int i = 0; i < 8; i++) {
            int length = 0;
            while (i + length < 8 && groups[i + length] == 0) {
                length++;
            }
            if (length > bestLength) {
                bestStart = i;
                bestLength = length;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SubjectAltNames other && dnsNames.equals(other.dnsNames)
                && ipAddresses.equals(other.ipAddresses);
    }

    @Override
    public int hashCode() {
        return dnsNames.hashCode() * 31 + ipAddresses.hashCode();
    }

    @Override
    public String toString() {
        return "DNS" + new java.util.TreeSet<>(dnsNames) + " IP" + new java.util.TreeSet<>(ipAddresses);
    }
}
