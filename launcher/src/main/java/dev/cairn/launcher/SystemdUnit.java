package dev.cairn.launcher;

/**
 * The systemd unit {@code cairn install} writes. Type=simple: the server does not call sd_notify, so "started" means
 * the process runs, not that its ports are up. On stop, SIGTERM goes to the JVM only (KillMode=mixed; bin/cairn
 * execs java, so the JVM is the main process), which stops the framework within {@link ServerProcess#STOP_TIMEOUT}
 * and exits 0; whatever is left in the unit's cgroup then gets SIGKILL, as does a JVM still running after
 * TimeoutStopSec.
 */
final class SystemdUnit {

    private SystemdUnit() {
    }

    static String render(InstallLayout layout) {
        String role = layout.agent() ? "agent" : "server";
        return "# Written by 'cairn install'; 'cairn uninstall' removes it. Settings belong in "
                + layout.envFile() + " (CAIRN_* variables)\n"
                + "# or " + layout.configFile() + ", not here.\n"
                + "[Unit]\n"
                + "Description=Cairn " + role + " (etcd-compatible datastore)\n"
                + "Documentation=https://github.com/cairn\n"
                + "Wants=network-online.target\n"
                + "After=network-online.target\n"
                + "\n"
                + "[Service]\n"
                + "Type=simple\n"
                + "EnvironmentFile=-" + layout.envFile() + "\n"
                + "ExecStart=" + layout.executable() + " " + layout.command() + "\n"
                + "Restart=always\n"
                + "RestartSec=5s\n"
                // SIGTERM to the JVM only; it stops within 5 s, then the rest of the cgroup gets SIGKILL
                + "KillMode=mixed\n"
                + "TimeoutStopSec=15s\n"
                + "LimitNOFILE=1048576\n"
                + "StandardOutput=journal\n"
                + "StandardError=journal\n"
                + "SyslogIdentifier=" + layout.serviceName() + "\n"
                + "\n"
                + "[Install]\n"
                + "WantedBy=multi-user.target\n";
    }
}
