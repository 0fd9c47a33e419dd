package dev.cairn.etcd.server;

import java.net.BindException;

/** A port of the etcd server could not be bound; names which port and the setting that chooses it. */
public final class PortInUseException extends BindException {
    private static final long serialVersionUID = 1L;
    private final String address;
    private final int port;
    private final String setting;
    private final String flag;

    PortInUseException(String what, String address, int port, String setting, String flag, Throwable cause) {
        super(what + " " + address + ":" + port + " cannot be bound: "
                + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
        initCause(cause);
        this.address = address;
        this.port = port;
        this.setting = setting;
        this.flag = flag;
    }

    public String address() {
        return address;
    }

    public int port() {
        return port;
    }

    /** The configuration property that sets this port, e.g. {@code client.port}. */
    public String setting() {
        return setting;
    }

    /** The launcher flag that sets this port, e.g. {@code --etcd-client-port}. */
    public String flag() {
        return flag;
    }
}
