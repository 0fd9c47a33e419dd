package dev.cairn.datastore.api;

/**
 * One condition of a transaction, as etcd's {@code Compare}. Every key of {@code range} must satisfy it; a missing
 * key compares as version, create, mod and lease 0, and a VALUE compare on a missing key is always false. VALUE
 * compares bytes (unsigned); the other targets compare {@code number}.
 */
public record Compare(KeyRange range, Target target, Result result, long number, byte[] value) {

    public enum Target { VERSION, CREATE, MOD, VALUE, LEASE }

    public enum Result { EQUAL, GREATER, LESS, NOT_EQUAL }

    public static Compare number(KeyRange range, Target target, Result result, long number) {
        return new Compare(range, target, result, number, null);
    }

    public static Compare value(KeyRange range, Result result, byte[] value) {
        return new Compare(range, Target.VALUE, result, 0, value);
    }
}
