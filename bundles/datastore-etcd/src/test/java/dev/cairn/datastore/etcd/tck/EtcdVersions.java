package dev.cairn.datastore.etcd.tck;

/** Which etcd versions carry a bug the TCK would otherwise report as the adapter's. */
final class EtcdVersions {
    private EtcdVersions() {
    }

    /**
     * #15220 (requested progress notifications not ordered with the watch stream) was fixed by PR #15237, released
     * in 3.4.24 and 3.5.8 (the 3.4 and 3.5 changelogs); 3.6 has it from the start.
     */
    static boolean hasProgressBug15220(String version) {
        String[] parts = version.split("[.-]");
        if (parts.length < 3) {
            return false;
        }
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = Integer.parseInt(parts[1]);
            int patch = Integer.parseInt(parts[2]);
            if (major != 3) {
                return false;
            }
            return minor < 4 || (minor == 4 && patch < 24) || (minor == 5 && patch < 8);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
