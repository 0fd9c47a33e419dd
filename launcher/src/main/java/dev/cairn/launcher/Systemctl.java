package dev.cairn.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The host's {@code systemctl}, used by install and uninstall only for the real root "/" and only when systemd
 * runs here (the check sd_booted(3) makes: {@code /run/systemd/system} exists).
 */
class Systemctl {

    static final Systemctl LOCAL = new Systemctl();

    private static final long TIMEOUT_SECONDS = 120;

    /** systemd is the running init system and systemctl is on the PATH. */
    boolean available() {
        if (!Files.isDirectory(Path.of("/run/systemd/system"))) {
            return false;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "systemctl"))) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code systemctl args}; a non-zero exit is an error quoting systemctl's own output. */
    void run(String... args) throws InstallException {
        List<String> command = new ArrayList<>();
        command.add("systemctl");
        command.addAll(List.of(args));
        String shown = String.join(" ", command);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new InstallException("'" + shown + "' did not finish within " + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new InstallException("'" + shown + "' failed (exit " + process.exitValue() + ")"
                        + (output.isEmpty() ? "" : ": " + output));
            }
        } catch (IOException e) {
            throw new InstallException("could not run '" + shown + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InstallException("interrupted while running '" + shown + "'", e);
        }
    }
}
