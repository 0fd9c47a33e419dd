package dev.cairn.launcher;

import java.util.Optional;

/** A host with a known name and address, so defaults are deterministic in tests. */
final class FixedHost implements HostNetwork {

    static final FixedHost WITH_IP = new FixedHost("host-a", "192.168.50.2");
    static final FixedHost LOOPBACK_ONLY = new FixedHost("host-b", null);

    private final String name;
    private final String ipv4;

    FixedHost(String name, String ipv4) {
        this.name = name;
        this.ipv4 = ipv4;
    }

    @Override
    public String hostName() {
        return name;
    }

    @Override
    public Optional<String> firstNonLoopbackIpv4() {
        return Optional.ofNullable(ipv4);
    }
}
