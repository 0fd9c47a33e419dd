package dev.cairn.itests.e2e.support;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Rewrites etcdctl output so that two servers that behave alike print the same text: their endpoint URLs, cluster
 * and member ids, raft terms, timings and timestamps become placeholders; absolute revisions become offsets from
 * the revision observed at the start of the scenario ({@code R+3}); lease ids become names in order of first
 * appearance ({@code L1}, {@code L2}, …), so that the same lease keeps the same name in every later output.
 */
public final class OutputNormaliser {

    private static final Pattern TS = Pattern.compile("\"ts\":\"[^\"]*\"");
    private static final Pattern TARGET = Pattern.compile("\"target\":\"[^\"]*\"");
    private static final Pattern TOOK_TEXT = Pattern.compile("took = \\S+");
    private static final Pattern TOOK_JSON = Pattern.compile("\"took\":\"[^\"]*\"");
    /** A live lease's remaining TTL is a timing; -1 (unknown or expired lease) is not and stays. */
    private static final Pattern REMAINING = Pattern.compile("remaining\\([1-9]\\d*s\\)");
    private static final Pattern REMAINING_JSON = Pattern.compile("\"ttl\":[1-9]\\d*,\"granted-ttl\"");
    /**
     * etcd fills the header revision of Cluster responses since 3.5 (v3rpc header.fill); the 3.4 reference leaves
     * it out. Shapes ignore it so that Cairn may follow the newer behaviour.
     */
    private static final Pattern SHAPE_HEADER_REVISION = Pattern.compile("(\"header\":\\{[^}]*?)\"revision\":<n>,");
    private static final Pattern HEADER_IDS = Pattern.compile("\"(cluster_id|member_id|raft_term)\":\\d+");
    private static final Pattern JSON_REVISION =
            Pattern.compile("\"(revision|create_revision|mod_revision|compact_revision)\":(-?\\d+)");
    private static final Pattern TEXT_COMPACTED = Pattern.compile("compacted revision (\\d+)");
    private static final Pattern JSON_LEASE = Pattern.compile("\"(ID|id|lease)\":(\\d+)");
    /** etcdctl prints lease ids as %016x ("lease … granted", "lease list"). */
    private static final Pattern HEX_ID = Pattern.compile("\\b[0-9a-f]{16}\\b");
    /** Lock and election keys are {@code <name>/<lease id as %x>}; the scenarios keep them under /lock/ and /elect/. */
    private static final Pattern SESSION_KEY = Pattern.compile("(/(?:lock|elect)/[^/\\s]+/)([0-9a-f]+)\\b");
    /** etcd lists a lease's keys in map order. */
    private static final Pattern ATTACHED_KEYS = Pattern.compile("attached keys\\(\\[([^\\]]*)]\\)");
    private static final Pattern JSON_KEYS = Pattern.compile("\"keys\":\\[([^\\]]*)]");
    private static final Pattern HEX_WORD = Pattern.compile("\\b[0-9a-f]+\\b");
    private static final Pattern SEMVER = Pattern.compile("\\b\\d+\\.\\d+\\.\\d+\\b");
    private static final Pattern SIZE = Pattern.compile("\\b\\d+(\\.\\d+)? ?[kMG]?B\\b");

    /**
     * Cairn's embedded etcd names a member {@code <node-name>-<8 hex>} (K3s's form, so that a rejoining node is a
     * new member); etcd uses {@code --name} as it is.
     */
    private static final String MEMBER_NAME_SUFFIX = "(-[0-9a-f]{8}\\b)?";

    private final List<EtcdEndpoint> members;
    private final long baseRevision;
    private final Map<Long, String> leaseNames = new LinkedHashMap<>();

    public OutputNormaliser(EtcdEndpoint server, long baseRevision) {
        this(List.of(server), baseRevision);
    }

    /** For etcdctl pointed at every member of a cluster: each member's URLs and name become the placeholders. */
    public OutputNormaliser(List<? extends EtcdEndpoint> members, long baseRevision) {
        this.members = List.copyOf(members);
        this.baseRevision = baseRevision;
    }

    public long baseRevision() {
        return baseRevision;
    }

    /** The actual id of a lease seen as {@code name} ({@code L1}…), for use in later commands. */
    public long leaseId(String name) {
        return leaseNames.entrySet().stream().filter(e -> e.getValue().equals(name)).map(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new AssertionError("no lease " + name + " seen yet; seen: "
                        + leaseNames));
    }

    /** Registers a lease id that appears in output under its placeholder name. */
    private String leaseName(long id) {
        return leaseNames.computeIfAbsent(id, k -> "L" + (leaseNames.size() + 1));
    }

    public String normalise(String text) {
        String s = endpoints(text);
        s = TS.matcher(s).replaceAll("\"ts\":\"<ts>\"");
        s = TARGET.matcher(s).replaceAll("\"target\":\"<target>\"");
        s = TOOK_TEXT.matcher(s).replaceAll("took = <t>");
        s = TOOK_JSON.matcher(s).replaceAll("\"took\":\"<t>\"");
        s = REMAINING.matcher(s).replaceAll("remaining(<n>s)");
        s = REMAINING_JSON.matcher(s).replaceAll("\"ttl\":<remaining>,\"granted-ttl\"");
        s = replace(HEADER_IDS, s, m -> "\"" + m.group(1) + "\":<" + m.group(1) + ">");
        s = replace(JSON_REVISION, s, m -> "\"" + m.group(1) + "\":" + offset(Long.parseLong(m.group(2))));
        s = replace(TEXT_COMPACTED, s, m -> "compacted revision " + offset(Long.parseLong(m.group(1))));
        s = replace(JSON_LEASE, s, m -> m.group(2).equals("0") ? m.group()
                : "\"" + m.group(1) + "\":" + leaseName(Long.parseUnsignedLong(m.group(2))));
        s = replace(HEX_ID, s, m -> leaseName(Long.parseUnsignedLong(m.group(), 16)));
        s = replace(SESSION_KEY, s, m -> m.group(1) + leaseName(Long.parseUnsignedLong(m.group(2), 16)));
        s = replace(ATTACHED_KEYS, s, m -> "attached keys([" + sorted(m.group(1), " ") + "])");
        s = replace(JSON_KEYS, s, m -> "\"keys\":[" + sorted(m.group(1), ",") + "]");
        return s;
    }

    /**
     * For outputs whose values legitimately differ between servers (endpoint status, member list): versions, sizes,
     * ids and every other number (decimal or hex words) become placeholders, leaving the fields, their order and the
     * booleans.
     */
    public String shape(String text) {
        String s = endpoints(text);
        for (EtcdEndpoint member : members) {
            s = s.replaceAll(Pattern.quote(member.name()) + MEMBER_NAME_SUFFIX, "<node-name>");
        }
        s = SEMVER.matcher(s).replaceAll("<version>");
        s = SIZE.matcher(s).replaceAll("<size>");
        s = HEX_WORD.matcher(s).replaceAll("<n>");
        return SHAPE_HEADER_REVISION.matcher(s).replaceAll("$1");
    }

    private static String sorted(String list, String separator) {
        return Arrays.stream(list.split(Pattern.quote(separator))).sorted()
                .collect(Collectors.joining(separator));
    }

    private String endpoints(String text) {
        String s = text;
        for (EtcdEndpoint server : members) {
            s = s.replace(server.clientUrl(), "<endpoint>");
            s = s.replaceAll("https?://" + Pattern.quote(server.address()) + ":2380", "<peer-url>");
            s = s.replace(server.address() + ":" + server.clientPort(), "<hostport>");
        }
        return s;
    }

    private String offset(long revision) {
        long delta = revision - baseRevision;
        return delta >= 0 ? "R+" + delta : "R" + delta;
    }

    private static String replace(Pattern pattern, String text, Function<Matcher, String> replacement) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(replacement.apply(m)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
