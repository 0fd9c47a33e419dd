package dev.cairn.security.tls;

import java.util.ArrayList;
import java.util.List;

/**
 * The names and addresses this server is reached by, from {@code cairn.server}: what its serving certificates
 * must be valid for.
 *
 * @param nodeName    the node name (a DNS SAN, or an IP SAN if it is an address)
 * @param nodeIp      the advertised address, may be empty
 * @param bindAddress the listen address, empty or a wildcard for all addresses
 * @param tlsSans     extra names and addresses ({@code --tls-san})
 */
public record ServerIdentity(String nodeName, String nodeIp, String bindAddress, List<String> tlsSans) {

    public ServerIdentity {
        nodeName = nodeName == null ? "" : nodeName.trim();
        nodeIp = nodeIp == null ? "" : nodeIp.trim();
        bindAddress = bindAddress == null ? "" : bindAddress.trim();
        tlsSans = tlsSans == null ? List.of() : List.copyOf(tlsSans);
    }

    /** Node name, localhost, 127.0.0.1, ::1, node IP, a specific bind address and every --tls-san. */
    public SubjectAltNames subjectAltNames() {
        List<String> names = new ArrayList<>();
        names.add(nodeName);
        names.add("localhost");
        names.add("127.0.0.1");
        names.add("::1");
        names.add(nodeIp);
        if (!isWildcard(bindAddress)) {
            names.add(bindAddress);
        }
        names.addAll(tlsSans);
        return SubjectAltNames.of(names);
    }

    private static boolean isWildcard(String address) {
        String ip = SubjectAltNames.canonicalIp(address);
        return address.isEmpty() || "0.0.0.0".equals(ip) || "::".equals(ip);
    }
}
