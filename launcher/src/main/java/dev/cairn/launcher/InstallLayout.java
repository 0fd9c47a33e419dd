package dev.cairn.launcher;

import java.nio.file.Path;

/**
 * Where {@code cairn install} puts things. Every path exists twice: as the installed system sees it
 * ({@code /opt/cairn}, written into the unit) and under {@code --root} where this process writes it; with the
 * default root "/" the two are the same. A server and an agent differ only in their unit and environment file names.
 */
final class InstallLayout {

    static final Path SYSTEM_ROOT = Path.of("/");
    static final Path DEFAULT_PREFIX = Path.of("/opt/cairn");
    static final Path CONFIG_DIR = Path.of("/etc/cairn");
    static final Path UNIT_DIR = Path.of("/etc/systemd/system");

    private final Path root;
    private final Path prefix;
    private final boolean agent;

    private InstallLayout(Path root, Path prefix, boolean agent) {
        this.root = root;
        this.prefix = prefix;
        this.agent = agent;
    }

    /** Refuses a relative or top-level prefix: uninstall deletes the prefix, so it must be a directory of its own. */
    static InstallLayout of(Path root, Path prefix, boolean agent) throws InstallException {
        Path absoluteRoot = root.toAbsolutePath().normalize();
        if (!prefix.isAbsolute()) {
            throw new InstallException("--prefix " + prefix + " must be an absolute path such as /opt/cairn");
        }
        Path normalized = prefix.normalize();
        if (normalized.getNameCount() == 0) {
            throw new InstallException("--prefix / would make the whole system Cairn's; give a directory of its "
                    + "own such as /opt/cairn");
        }
        if (!normalized.toString().matches("[A-Za-z0-9._/@+-]+")) {
            // the prefix goes unquoted into ExecStart, where systemd would split on spaces and expand $ and %
            throw new InstallException("--prefix " + prefix + " may hold only letters, digits and . _ / @ + -");
        }
        return new InstallLayout(absoluteRoot, normalized, agent);
    }

    boolean isSystemRoot() {
        return root.equals(SYSTEM_ROOT);
    }

    boolean agent() {
        return agent;
    }

    Path root() {
        return root;
    }

    /** {@code cairn} or {@code cairn-agent}. */
    String serviceName() {
        return agent ? "cairn-agent" : "cairn";
    }

    /** The unit of the other role, which may share this distribution. */
    String otherServiceName() {
        return agent ? "cairn" : "cairn-agent";
    }

    String unitName() {
        return serviceName() + ".service";
    }

    /** {@code server} or {@code agent}: the subcommand the unit runs. */
    String command() {
        return agent ? "agent" : CairnCommandLine.SERVER;
    }

    /** The distribution as the installed system sees it. */
    Path prefix() {
        return prefix;
    }

    Path executable() {
        return prefix.resolve("bin").resolve("cairn");
    }

    Path envFile() {
        return CONFIG_DIR.resolve(serviceName() + ".env");
    }

    Path configFile() {
        return CONFIG_DIR.resolve("config.yaml");
    }

    Path unitFile() {
        return UNIT_DIR.resolve(unitName());
    }

    Path otherUnitFile() {
        return UNIT_DIR.resolve(otherServiceName() + ".service");
    }

    /** {@code path} (as the installed system sees it) under --root, where this process reads and writes it. */
    Path underRoot(Path path) {
        return root.resolve(SYSTEM_ROOT.relativize(path.toAbsolutePath().normalize()));
    }
}
