package dev.cairn.launcher;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** IP address literals, checked and normalised without ever resolving a name. */
final class IpLiterals {

    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

    private IpLiterals() {
    }

    static boolean isIp(String text) {
        return IPV4.matcher(text).matches() || isIpv6(text);
    }

    /** 0.0.0.0 or :: (any spelling): listen on every address. */
    static boolean isWildcard(String text) {
        if (IPV4.matcher(text).matches()) {
            return text.equals("0.0.0.0");
        }
        try {
            return isIpv6(text) && InetAddress.getByName(text).isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The address in canonical form (IPv6 per RFC 5952: lower case, longest zero run as ::), if it is one. */
    static Optional<String> canonicalIp(String text) {
        return address(text).map(IpLiterals::format);
    }

    /**
     * The network of a CIDR in canonical form, as K3s parses it ({@code 10.42.1.0/16} is {@code 10.42.0.0/16}),
     * if {@code text} is a CIDR.
     */
    static Optional<String> canonicalCidr(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        String prefixText = text.substring(slash + 1);
        Optional<InetAddress> address = address(text.substring(0, slash));
        if (address.isEmpty() || !prefixText.matches("\\d{1,3}")) {
            return Optional.empty();
        }
        byte[] bytes = address.get().getAddress();
        int prefix = Integer.parseInt(prefixText);
        if (prefix > bytes.length * 8) {
            return Optional.empty();
        }
        for (int bit = prefix; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            return Optional.of(format(InetAddress.getByAddress(bytes)) + "/" + prefix);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are always an address", e);
        }
    }

    private static Optional<InetAddress> address(String text) {
        if (!isIp(text)) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text)); // a checked literal: parsed, never looked up
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static String format(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not shortened (RFC 5952 4.2.2)
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
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

    private static boolean isIpv6(String text) {
        if (!text.contains(":") || !IPV6_CHARS.matcher(text).matches()) {
            return false;
        }
        try {
            // a literal with ':' is parsed, never looked up; Java maps ::ffff:a.b.c.d to IPv4, which is fine
            InetAddress address = InetAddress.getByName(text);
            return address instanceof Inet6Address || text.startsWith("::ffff:");
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
