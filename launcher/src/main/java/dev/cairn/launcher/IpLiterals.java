package dev.cairn.launcher;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
