package dev.cairn.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn uninstall}: stops and disables the unit (real root, systemd running), removes the unit, its env file
 * and the installed distribution. The config file and the data dir stay; only --purge-data deletes a data dir, and
 * only one that looks like Cairn's. Every check runs before anything is removed.
 */
@Command(name = "uninstall", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Remove what 'cairn install' wrote: the unit, its env file and the distribution.",
                "Stops and disables the unit first (on / with systemd running). /etc/cairn/config.yaml and the data "
                        + "dir are kept; --purge-data --data-dir <dir> deletes the data dir too (its certificates "
                        + "and all stored data, for good)."})
final class UninstallCommand implements ServiceCommand {

    @Option(names = "--root", paramLabel = "<dir>",
            description = "Uninstall from this directory instead of / (an image or chroot); systemctl is not run then.")
    Path root = InstallLayout.SYSTEM_ROOT;

    @Option(names = "--prefix", paramLabel = "<dir>",
            description = "Where the distribution was installed (default: /opt/cairn).")
    Path prefix = InstallLayout.DEFAULT_PREFIX;

    @Option(names = "--agent", description = "Remove the agent unit cairn-agent.service instead of cairn.service.")
    boolean agent;

    @Option(names = "--purge-data", description = "Also delete the data dir given by --data-dir.")
    boolean purgeData;

    @Option(names = {"-d", "--data-dir"}, paramLabel = "<dir>", description = "The data dir --purge-data deletes.")
    Path dataDir;

    @Override
    public int run(PrintStream out) throws InstallException {
        return uninstall(Systemctl.LOCAL, out);
    }

    int uninstall(Systemctl systemctl, PrintStream out) throws InstallException {
        InstallLayout layout = InstallLayout.of(root, prefix, agent);
        DataDirPurge purge = purge(layout);
        Path distribution = layout.underRoot(layout.prefix());
        boolean shared = Files.exists(layout.underRoot(layout.otherUnitFile()));
        if (!shared && Files.exists(distribution) && !Distribution.looksLike(distribution)) {
            throw new InstallException("refusing to delete " + distribution + ": it is not a Cairn distribution "
                    + "(no bin/cairn); check --prefix");
        }
        Path unitFile = layout.underRoot(layout.unitFile());
        boolean useSystemd = layout.isSystemRoot() && systemctl.available();
        if (useSystemd && Files.exists(unitFile)) {
            systemctl.run("disable", "--now", layout.unitName());
            out.println("stopped and disabled " + layout.unitName());
        }
        report(InstalledFile.remove(unitFile), unitFile, out);
        Path envFile = layout.underRoot(layout.envFile());
        report(InstalledFile.remove(envFile), envFile, out);
        removeDistribution(distribution, shared, layout, out);
        if (useSystemd) {
            systemctl.run("daemon-reload");
        }
        out.println("kept " + layout.underRoot(layout.configFile()) + " (remove it yourself if you no longer need it)");
        if (purge == null) {
            out.println("kept the data dir (--purge-data --data-dir <dir> deletes it)");
        } else if (purge.delete()) {
            out.println("deleted data dir " + purge.dir());
        } else {
            out.println("data dir " + purge.dir() + " does not exist; nothing to purge");
        }
        return 0;
    }

    private DataDirPurge purge(InstallLayout layout) throws InstallException {
        if (purgeData && dataDir == null) {
            throw new InstallException("--purge-data needs --data-dir <dir>: the data dir to delete");
        }
        if (!purgeData && dataDir != null) {
            throw new InstallException("--data-dir is only used with --purge-data; add --purge-data to delete "
                    + dataDir + ", or leave out --data-dir to keep it");
        }
        return purgeData ? DataDirPurge.check(layout, dataDir) : null;
    }

    private static void removeDistribution(Path distribution, boolean shared, InstallLayout layout, PrintStream out)
            throws InstallException {
        if (shared) {
            out.println("kept " + distribution + ": " + layout.otherServiceName() + ".service still uses it");
            return;
        }
        if (!Files.exists(distribution)) {
            out.println("not there: " + distribution);
            return;
        }
        try {
            FileTree.delete(distribution);
        } catch (IOException e) {
            throw new InstallException("could not remove " + distribution + ": " + e, e);
        }
        out.println("removed " + distribution);
    }

    private static void report(boolean removed, Path file, PrintStream out) {
        out.println(removed ? "removed " + file : "not there: " + file);
    }
}
