package dev.cairn.itests.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One run of a scenario of etcdctl commands against one server. Commands are templates: {@code {R+2}} is the
 * revision two writes after the scenario began, {@code {L1}} the first lease the scenario saw. Every step is
 * recorded with its normalised output, so that the transcripts of two servers can be compared step by step.
 */
public final class EtcdctlSession {

    private static final Pattern REVISION_TEMPLATE = Pattern.compile("\\{R([+-]\\d+)?}");
    private static final Pattern LEASE_TEMPLATE = Pattern.compile("\\{(L\\d+)}");
    private static final Pattern HEADER_REVISION = Pattern.compile("\"revision\":(\\d+)");

    /** One command (as written in the scenario) and its normalised outcome. */
    public record Step(String label, String output) {
    }

    private final Etcdctl etcdctl;
    private final OutputNormaliser normaliser;
    private final boolean severalMembers;
    private final List<Step> steps = new ArrayList<>();

    public EtcdctlSession(EtcdEndpoint server) {
        this(List.of(server));
    }

    /** etcdctl pointed at every member of a cluster ({@code --endpoints=<all>}). */
    public EtcdctlSession(List<? extends EtcdEndpoint> members) {
        this.etcdctl = Etcdctl.forMembers(members);
        this.normaliser = new OutputNormaliser(members, currentRevision(etcdctl));
        this.severalMembers = members.size() > 1;
    }

    /** The store's current revision, from the header of a read. */
    public static long currentRevision(Etcdctl etcdctl) {
        EtcdctlResult result = etcdctl.run("get", "e2e-revision-probe", "-w", "json").requireSuccess();
        Matcher m = HEADER_REVISION.matcher(result.stdout());
        if (!m.find()) {
            throw new AssertionError("no header revision in " + result);
        }
        return Long.parseLong(m.group(1));
    }

    public Etcdctl etcdctl() {
        return etcdctl;
    }

    public List<Step> steps() {
        return steps;
    }

    /** Runs a command and records its normalised outcome. */
    public EtcdctlResult run(String... template) {
        return runWithInput(null, template);
    }

    /** Runs a command fed with stdin (templates expanded there too) and records its normalised outcome. */
    public EtcdctlResult runWithInput(String stdinTemplate, String... template) {
        EtcdctlResult result = etcdctl.run(stdinTemplate == null ? null : expand(stdinTemplate),
                Etcdctl.DEFAULT_TIMEOUT, expand(template));
        steps.add(new Step(label(stdinTemplate, template), normalised(result)));
        return result;
    }

    /** Like {@link #run}, but lines after the first are sorted: for lists whose order etcd leaves undefined. */
    public EtcdctlResult runSorted(String... template) {
        EtcdctlResult result = etcdctl.run(null, Etcdctl.DEFAULT_TIMEOUT, expand(template));
        String[] lines = normaliser.normalise(result.stdout()).split("\n");
        if (lines.length > 1) {
            Arrays.sort(lines, 1, lines.length);
        }
        steps.add(new Step(label(null, template) + " (lines after the first sorted)",
                outcome(result, String.join("\n", lines), normaliser.normalise(result.stderr()))));
        return result;
    }

    /**
     * Runs a command whose values may differ between servers and records only the shape of its output. With
     * several members the stdout lines are sorted: one line per member, and which member leads (the only
     * difference between the lines once shaped) is not something two clusters share.
     */
    public EtcdctlResult runShape(String... template) {
        EtcdctlResult result = etcdctl.run(null, Etcdctl.DEFAULT_TIMEOUT, expand(template));
        String stdout = normaliser.shape(result.stdout());
        if (severalMembers) {
            stdout = stdout.lines().sorted().collect(Collectors.joining("\n", "", stdout.endsWith("\n") ? "\n" : ""));
        }
        steps.add(new Step(label(null, template) + " (shape)",
                outcome(result, stdout, normaliser.shape(result.stderr()))));
        return result;
    }

    /** Starts a command in the background; record what it printed with {@link #record}. */
    public BackgroundEtcdctl start(String... template) {
        return etcdctl.start(expand(template).toArray(new String[0]));
    }

    /** Records a derived observation (a background command's output, a fact about a shape). */
    public void record(String label, String output) {
        steps.add(new Step(label, normaliser.normalise(output)));
    }

    /** Records the outcome of a background command that was stopped or ended by itself. */
    public void record(String label, EtcdctlResult result) {
        steps.add(new Step(label, normalised(result)));
    }

    /** The revision {@code offset} writes after the scenario began. */
    public long revision(int offset) {
        return normaliser.baseRevision() + offset;
    }

    public List<String> expand(String... template) {
        return Arrays.stream(template).map(this::expand).collect(Collectors.toList());
    }

    public String expand(String template) {
        Matcher revision = REVISION_TEMPLATE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (revision.find()) {
            int offset = revision.group(1) == null ? 0 : Integer.parseInt(revision.group(1));
            revision.appendReplacement(out, Long.toString(revision(offset)));
        }
        revision.appendTail(out);
        Matcher lease = LEASE_TEMPLATE.matcher(out.toString());
        out = new StringBuilder();
        while (lease.find()) {
            lease.appendReplacement(out, Long.toHexString(normaliser.leaseId(lease.group(1))));
        }
        lease.appendTail(out);
        return out.toString();
    }

    private static String label(String stdin, String... template) {
        String command = "etcdctl " + String.join(" ", template);
        if (stdin == null) {
            return command;
        }
        String shown = stdin.length() > 200 ? stdin.substring(0, 200) + "… (" + stdin.length() + " chars)" : stdin;
        return command + " <<< " + shown.replace("\n", "\\n");
    }

    private String normalised(EtcdctlResult result) {
        return outcome(result, normaliser.normalise(result.stdout()), normaliser.normalise(result.stderr()));
    }

    private static String outcome(EtcdctlResult result, String stdout, String stderr) {
        return "exit " + (result.timedOut() ? "TIMEOUT" : Integer.toString(result.exitCode()))
                + "\n[stdout]\n" + stdout + "\n[stderr]\n" + stderr;
    }

    /** Describes every step where {@code actual} differs from {@code expected}; empty when they agree. */
    public static List<String> differences(List<Step> expected, List<Step> actual, String expectedName,
            String actualName) {
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
            Step e = i < expected.size() ? expected.get(i) : null;
            Step a = i < actual.size() ? actual.get(i) : null;
            if (e != null && a != null && e.equals(a)) {
                continue;
            }
            differences.add("step " + (i + 1) + ": " + (e != null ? e.label() : a.label())
                    + "\n  --- " + expectedName + " ---\n" + indent(e == null ? "(no such step)" : e.output())
                    + "\n  --- " + actualName + " ---\n" + indent(a == null ? "(no such step)" : a.output()));
        }
        return differences;
    }

    /** Writes the transcript to {@code target/e2e-logs/<name>.transcript.log}, for reading after a run. */
    public void save(String name) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < steps.size(); i++) {
            text.append("### step ").append(i + 1).append(": ").append(steps.get(i).label()).append('\n')
                    .append(steps.get(i).output()).append("\n\n");
        }
        try {
            Files.writeString(WorkDirs.logFile(name + ".transcript"), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String indent(String text) {
        return text.lines().map(l -> "    " + l).collect(Collectors.joining("\n"));
    }
}
