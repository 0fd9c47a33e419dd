package dev.cairn.datastore.selector;

import dev.cairn.datastore.api.Alarm;
import dev.cairn.datastore.api.ClusterState;
import dev.cairn.datastore.api.Datastore;
import dev.cairn.datastore.api.DiskCheck;
import dev.cairn.datastore.api.Member;
import dev.cairn.datastore.api.StoreStatus;
import dev.cairn.datastore.snapshot.SnapshotFile;
import dev.cairn.datastore.snapshot.SnapshotService;
import dev.cairn.datastore.spi.DatastoreProvider;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Gogo shell commands ({@code g! cairn:status}, {@code g! cairn:backends}): the active datastore as an operator
 * checks it (with the data dir's fsync figures and the slow-disk warning), and the backend bundles installed. Gogo finds the public methods by name; a returned string is
 * printed, so no shell API is needed here and the commands also work with no shell installed (as plain services).
 */
@Component(service = ShellCommands.class, property = {"osgi.command.scope=cairn",
    "osgi.command.function=status", "osgi.command.function=backends"})
public final class ShellCommands {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile Datastore datastore;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile SnapshotService snapshots;

    /** Each provider with its bundle's name and version ("?" outside a framework). */
    private final Map<DatastoreProvider, String> providers = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addProvider(DatastoreProvider provider) {
        Bundle bundle = FrameworkUtil.getBundle(provider.getClass());
        providers.put(provider, bundle == null ? "?" : bundle.getSymbolicName() + " " + bundle.getVersion());
    }

    void removeProvider(DatastoreProvider provider) {
        providers.remove(provider);
    }

    /** {@code cairn:status}: backend, revision, size, members and leader, disk, alarms, the newest snapshot. */
    public String status() {
        Datastore d = datastore;
        if (d == null) {
            return "no datastore is active yet (the selected backend has not opened; see the log)\n";
        }
        StoreStatus s = d.status();
        ClusterState c = d.cluster();
        StringBuilder out = new StringBuilder();
        line(out, "backend", d.type());
        line(out, "revision", s.revision() + " (compacted up to " + s.compactRevision() + ")");
        line(out, "db size", mib(s.dbSize()) + " (in use " + mib(s.dbSizeInUse()) + ", quota " + mib(s.quotaBytes())
                + ")");
        line(out, "member", name(c, c.memberId()) + (c.learner() ? " (learner)" : ""));
        line(out, "leader", c.hasLeader() ? name(c, c.leaderId()) + ", term " + c.raftTerm() : "none (no quorum)");
        line(out, "raft index", c.raftIndex() + " committed, " + c.appliedIndex() + " applied");
        StringBuilder members = new StringBuilder().append(c.members().size());
        for (Member m : c.members()) {
            members.append(members.length() == 1 ? ": " : ", ").append(m.name().isEmpty() ? hex(m.id()) : m.name())
                    .append(m.learner() ? " (learner)" : "");
        }
        line(out, "members", members.toString());
        line(out, "disk", disk(d.metrics().disk()));
        List<Alarm> alarms = d.alarms();
        line(out, "alarms", alarms.isEmpty() ? "none" : alarms.toString());
        SnapshotService snaps = snapshots;
        if (snaps != null) {
            List<SnapshotFile> files = snaps.list();
            line(out, "snapshots", files.isEmpty() ? "none" : files.size() + ", newest "
                    + files.get(files.size() - 1).name() + " at " + files.get(files.size() - 1).createdAt());
        }
        return out.toString();
    }

    /** {@code cairn:backends}: every installed backend type, its bundle, and which one serves. */
    public String backends() {
        Datastore d = datastore;
        Map<String, String> rows = new TreeMap<>();
        providers.forEach((provider, bundle) -> rows.put(provider.type(), bundle + (d != null
                && d.type().equals(provider.type()) ? "  active" : "  available")));
        if (rows.isEmpty()) {
            return "no datastore backend bundle is installed\n";
        }
        StringBuilder out = new StringBuilder();
        rows.forEach((type, row) -> out.append(String.format(Locale.ROOT, "%-8s %s%n", type, row)));
        return out.toString();
    }

    /** The data dir's fsync figures against the tolerance, and the slow-disk warning when there is one. */
    static String disk(DiskCheck disk) {
        if (disk.dir().isEmpty()) {
            return "not measured by this backend";
        }
        String recent = disk.recentP99Ms() < 0 ? "not enough fsyncs yet"
                : String.format(Locale.ROOT, "%.1f ms", disk.recentP99Ms());
        return String.format(Locale.ROOT, "%s: fsync p99 %.1f ms at start (p50 %.1f ms), recent p99 %s, tolerated"
                + " %.0f ms%s", disk.dir(), disk.probeP99Ms(), disk.probeP50Ms(), recent, disk.toleratedMs(),
                disk.slow() ? "\n            SLOW: " + disk.warning() : "");
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format(Locale.ROOT, "%-11s %s%n", label, value));
    }

    private static String name(ClusterState c, long id) {
        for (Member m : c.members()) {
            if (m.id() == id && !m.name().isEmpty()) {
                return m.name() + " (" + hex(id) + ")";
            }
        }
        return hex(id);
    }

    private static String hex(long id) {
        return Long.toHexString(id);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
