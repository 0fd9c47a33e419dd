package dev.cairn.itests.e2e.support;

import java.util.List;

/** How one etcdctl run ended: exit code, stdout and stderr, and whether it had to be killed after its timeout. */
public record EtcdctlResult(List<String> args, int exitCode, String stdout, String stderr, boolean timedOut) {

    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }

    /** Returns this result if etcdctl exited 0, otherwise fails with everything it printed. */
    public EtcdctlResult requireSuccess() {
        if (!succeeded()) {
            throw new AssertionError("etcdctl failed: " + describe());
        }
        return this;
    }

    public String describe() {
        return "etcdctl " + String.join(" ", args) + "\n  exit: " + (timedOut ? "killed after timeout" : exitCode)
                + "\n  stdout: " + stdout.strip() + "\n  stderr: " + stderr.strip();
    }

    @Override
    public String toString() {
        return describe();
    }
}
