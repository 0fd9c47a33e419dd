package dev.cairn.itests.e2e.support;

/**
 * One client operation on a single-key register, as a history records it: a put of a value or a get that saw a
 * value ({@code null} = the key was absent), invoked and completed at {@link System#nanoTime} instants. A put
 * whose outcome is unknown (timed out, connection lost) completes at {@link #UNKNOWN}: it may have taken effect
 * at any point after its invocation, or never.
 */
public record Operation(int client, Type type, String key, String value, long invoke, long complete) {

    /** The completion time of an operation whose outcome the client never learned. */
    public static final long UNKNOWN = Long.MAX_VALUE;

    public enum Type { PUT, GET }

    public Operation {
        if (type == Type.PUT && value == null) {
            throw new IllegalArgumentException("a put needs a value");
        }
        if (complete < invoke) {
            throw new IllegalArgumentException("operation completes before it is invoked: " + invoke + " > "
                    + complete);
        }
    }

    public static Operation put(int client, String key, String value, long invoke, long complete) {
        return new Operation(client, Type.PUT, key, value, invoke, complete);
    }

    /** A put the client sent but whose answer it never got. */
    public static Operation unknownPut(int client, String key, String value, long invoke) {
        return new Operation(client, Type.PUT, key, value, invoke, UNKNOWN);
    }

    /** A get that returned {@code value}, or found no key when {@code value} is null. */
    public static Operation get(int client, String key, String value, long invoke, long complete) {
        return new Operation(client, Type.GET, key, value, invoke, complete);
    }

    public boolean outcomeKnown() {
        return complete != UNKNOWN;
    }

    @Override
    public String toString() {
        String what = type == Type.PUT ? "put(" + key + ", " + quote(value) + ")"
                : "get(" + key + ") -> " + (value == null ? "absent" : quote(value));
        return "c" + client + " " + what + " [" + invoke + ", " + (outcomeKnown() ? complete : "unknown") + "]";
    }

    /** The same, with times in microseconds relative to {@code origin}, for readable failure reports. */
    public String describe(long origin) {
        String what = type == Type.PUT ? "put(" + quote(value) + ")"
                : "get -> " + (value == null ? "absent" : quote(value));
        return String.format("c%d %-28s invoked %12.3f us, %s", client, what, (invoke - origin) / 1e3,
                outcomeKnown() ? String.format("completed %12.3f us", (complete - origin) / 1e3) : "outcome unknown");
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }
}
