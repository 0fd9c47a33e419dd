package dev.cairn.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The servers an agent knows and the one it uses, kept in {@code <data-dir>/agent/servers.json} so a restarted
 * agent reaches the cluster even when its {@code --server} is gone. As in K3s's load balancer, the {@code --server}
 * URL (possibly a fixed registration address) is only the last resort once the cluster named its servers, and a
 * stored list is used only while {@code --server} is the one it was learned through.
 */
final class ServerList {
    private static final LauncherLog LOG = LauncherLog.of(ServerList.class);

    private final Path file;
    private final String registration;
    private final List<String> servers = new ArrayList<>();
    private String current;

    private ServerList(Path file, String registration) {
        this.file = file;
        this.registration = registration;
        this.current = registration;
    }

    /** The stored list learned through {@code registration}, or a list of that URL alone. */
    static ServerList load(Path file, String registration) {
        ServerList list = new ServerList(file, registration);
        try {
            Object document = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (!registration.equals(Json.member(document, "registration"))) {
                LOG.info("servers file ignored file=" + file + " reason=\"learned through another --server\"");
                return list;
            }
            for (Object url : Json.array(Json.member(document, "servers"), "\"servers\"")) {
                list.servers.add(Json.string(url, "a server"));
            }
            if (Json.member(document, "current") instanceof String stored && list.servers.contains(stored)) {
                list.current = stored;
            }
        } catch (NoSuchFileException e) {
            // first start
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("servers file unreadable, starting from --server file=" + file + " error=\"" + e.getMessage()
                    + "\"");
        }
        return list;
    }

    synchronized String current() {
        return current;
    }

    synchronized List<String> servers() {
        return List.copyOf(servers);
    }

    /** Whom to try, in order: the current server, the other known servers, then {@code --server}. */
    synchronized List<String> candidates() {
        List<String> order = new ArrayList<>();
        order.add(current);
        for (String s : servers) {
            if (!order.contains(s)) {
                order.add(s);
            }
        }
        if (!order.contains(registration)) {
            order.add(registration);
        }
        return order;
    }

    /** From now on {@code url} is the server in use. */
    synchronized void use(String url) throws IOException {
        if (!url.equals(current)) {
            current = url;
            save();
        }
    }

    /** The servers the cluster answered; stored when they changed. */
    synchronized void replace(List<String> answered) throws IOException {
        if (answered.isEmpty() || answered.equals(servers)) {
            return;
        }
        servers.clear();
        servers.addAll(answered);
        LOG.info("cluster servers servers=" + String.join(",", servers));
        save();
    }

    private void save() throws IOException {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("registration", registration);
        document.put("current", current);
        document.put("servers", List.copyOf(servers));
        AgentFiles.writePrivate(file, Json.write(document) + "\n");
    }
}
