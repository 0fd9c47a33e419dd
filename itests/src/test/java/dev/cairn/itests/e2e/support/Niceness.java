package dev.cairn.itests.e2e.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * CPU priority of processes (Linux nice values: -20 is the highest priority, 19 the lowest). A test that must stay
 * fair while the machine is loaded starts its servers under {@code nice -n <adjustment>}; lowering the value (a
 * negative adjustment) needs root or CAP_SYS_NICE, so it checks {@link #canAdjust} first.
 */
public final class Niceness {

    private Niceness() {
    }

    /** The nice value of a running process, from {@code /proc/<pid>/stat}; empty when it is gone or unreadable. */
    public static OptionalInt of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count fields after the last ')';
            // the nice value is field 19 of the line, the 17th after the command name
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return OptionalInt.of(Integer.parseInt(fields[16]));
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    /** The nice value of this JVM. */
    public static int own() {
        return of(ProcessHandle.current().pid()).orElse(0);
    }

    /** The nice value a child started under {@code nice -n adjustment} gets (clamped to -20..19). */
    public static int adjusted(int adjustment) {
        return Math.max(-20, Math.min(19, own() + adjustment));
    }

    /**
     * Whether {@code nice -n adjustment} takes effect here: runs {@code nice -n adjustment nice}, which prints the
     * nice value it got (GNU nice runs the command anyway, at the old value, when it may not change it).
     */
    public static boolean canAdjust(int adjustment) {
        try {
            Process p = new ProcessBuilder("nice", "-n", Integer.toString(adjustment), "nice")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0 && out.equals(Integer.toString(adjusted(adjustment)));
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
