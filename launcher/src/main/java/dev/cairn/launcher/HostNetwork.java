package dev.cairn.launcher;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** What the defaults of --node-name and --node-ip are taken from; tests supply fixed answers. */
interface HostNetwork {

    /** The host name, lower case (node names are DNS labels). */
    String hostName();

    /** The first non-loopback, non-link-local IPv4 address of an interface that is up, by interface index. */
    Optional<String> firstNonLoopbackIpv4();

    /** The machine this process runs on. */
    HostNetwork LOCAL = new HostNetwork() {
        @Override
        public String hostName() {
            try {
                return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
            } catch (UnknownHostException e) {
                return "localhost";
            }
        }

        @Override
        public Optional<String> firstNonLoopbackIpv4() {
            try {
                return NetworkInterface.networkInterfaces()
                        .filter(HostNetwork::isUsable)
                        .sorted(Comparator.comparingInt(NetworkInterface::getIndex))
                        .flatMap(NetworkInterface::inetAddresses)
                        .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                        .map(InetAddress::getHostAddress)
                        .findFirst();
            } catch (SocketException e) {
                return Optional.empty();
            }
        }
    };

    private static boolean isUsable(NetworkInterface nic) {
        try {
            return nic.isUp() && !nic.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }
}
