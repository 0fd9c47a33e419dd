package dev.cairn.benchmarks;

/** One etcd client URL: {@code host:port}, {@code http://host:port} or {@code https://host:port}. */
record Endpoint(String host, int port, Boolean tls) {

    static Endpoint parse(String text) {
        String rest = text.trim();
        Boolean tls = null;
        if (rest.startsWith("https://")) {
            tls = Boolean.TRUE;
            rest = rest.substring("https://".length());
        } else if (rest.startsWith("http://")) {
            tls = Boolean.FALSE;
            rest = rest.substring("http://".length());
        }
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        int colon = rest.lastIndexOf(':');
        if (colon <= 0 || colon == rest.length() - 1) {
            throw new IllegalArgumentException("--endpoints: '" + text + "' is not host:port (e.g. 127.0.0.1:2379)");
        }
        String host = rest.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(rest.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--endpoints: '" + text + "' has no numeric port");
        }
        return new Endpoint(host, port, tls);
    }

    /** Whether to use TLS: the scheme decides when there is one, otherwise whether a CA was given. */
    boolean usesTls(boolean caGiven) {
        return tls != null ? tls : caGiven;
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
