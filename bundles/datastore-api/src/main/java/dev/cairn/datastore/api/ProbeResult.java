package dev.cairn.datastore.api;

/**
 * The answer to a Kubernetes-style probe ({@link Datastore#ready}, {@link Datastore#live}).
 *
 * @param ok     the check passed
 * @param reason why it failed, naming what to look at; empty when it passed
 */
public record ProbeResult(boolean ok, String reason) {
    public static final ProbeResult OK = new ProbeResult(true, "");

    public ProbeResult {
        reason = reason == null ? "" : reason;
    }

    public static ProbeResult failed(String reason) {
        return new ProbeResult(false, reason);
    }
}
