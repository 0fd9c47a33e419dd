package dev.cairn.datastore.etcd;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The external etcd's client URLs from {@code --datastore-endpoint}: one or more comma-separated
 * {@code https://host:port} (or {@code http://}) URLs, all with the same scheme.
 *
 * @param tls       true for https://
 * @param addresses host and port of each endpoint, in the order given
 */
record EtcdEndpoints(boolean tls, List<HostPort> addresses) {

    static final int DEFAULT_PORT = 2379;

    /** One endpoint; {@code host} is bare (an IPv6 address without brackets). */
    record HostPort(String host, int port) {
        /** host:port as an authority, the name the server's certificate must carry. */
        String authority() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    EtcdEndpoints {
        addresses = List.copyOf(addresses);
    }

    static EtcdEndpoints parse(String endpoint) {
        List<HostPort> addresses = new ArrayList<>();
        String scheme = null;
        for (String part : endpoint.split(",")) {
            String url = part.trim();
            if (url.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw invalid(url, "is not a URL: " + e.getReason());
            }
            String s = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!s.equals("https") && !s.equals("http")) {
                throw invalid(url, "needs the scheme https:// or http://");
            }
            if (scheme != null && !scheme.equals(s)) {
                throw invalid(url, "mixes http:// and https:// endpoints; use one scheme for all");
            }
            scheme = s;
            if (uri.getHost() == null) {
                throw invalid(url, "names no host");
            }
            if (uri.getRawUserInfo() != null) {
                throw invalid(url, "carries user information; etcd authentication is not supported, use client"
                        + " certificates (--datastore-certfile, --datastore-keyfile)");
            }
            String path = uri.getRawPath();
            if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null) {
                throw invalid(url, "must be a bare client URL like https://10.0.0.1:2379");
            }
            String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                    : uri.getHost();
            addresses.add(new HostPort(host, uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort()));
        }
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("--datastore-endpoint names no etcd endpoint");
        }
        return new EtcdEndpoints("https".equals(scheme), addresses);
    }

    private static IllegalArgumentException invalid(String url, String problem) {
        return new IllegalArgumentException("--datastore-endpoint: '" + url + "' " + problem);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (HostPort a : addresses) {
            sb.append(sb.length() == 0 ? "" : ",").append(tls ? "https://" : "http://").append(a.authority());
        }
        return sb.toString();
    }
}
