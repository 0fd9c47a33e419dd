package dev.cairn.launcher;

import java.util.List;
import java.util.Map;

/**
 * The unit's {@code EnvironmentFile}: the flags given to {@code cairn install} after {@code --}, as the
 * {@code CAIRN_*} variables the server reads (so the unit's ExecStart stays fixed and the settings live in one
 * editable file). Mode 0600: it is where a token belongs.
 */
final class EnvironmentFile {

    private EnvironmentFile() {
    }

    static String render(InstallLayout layout, Map<Flag, List<String>> flags) throws InstallException {
        StringBuilder text = new StringBuilder()
                .append("# Environment of ").append(layout.unitName()).append(", written by 'cairn install'.\n")
                .append("# Every flag of 'cairn ").append(layout.command())
                .append("' can be set here as its CAIRN_* variable (CAIRN_DATA_DIR=/var/lib/cairn,\n")
                .append("# CAIRN_TLS_SAN=a,b), and so can JAVA and JAVA_OPTS of bin/cairn. Mode 0600, as it may hold\n")
                .append("# secrets such as CAIRN_TOKEN.\n")
                .append("# After editing: systemctl restart ").append(layout.serviceName()).append('\n');
        for (Map.Entry<Flag, List<String>> entry : flags.entrySet()) {
            List<String> values = entry.getValue();
            // a repeated scalar flag: the last one wins, as on the command line
            String value = entry.getKey().isList() ? String.join(",", values) : values.get(values.size() - 1);
            text.append(entry.getKey().envName()).append('=').append(quote(entry.getKey(), value)).append('\n');
        }
        return text.toString();
    }

    /** systemd's EnvironmentFile syntax: double quotes keep spaces and '#'; backslash escapes '"' and '\'. */
    static String quote(Flag flag, String value) throws InstallException {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new InstallException("the value of " + flag.longName() + " holds a line break, which an "
                    + "environment file cannot keep");
        }
        if (value.matches("[A-Za-z0-9._/:,@+=-]+")) {
            return value;
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
