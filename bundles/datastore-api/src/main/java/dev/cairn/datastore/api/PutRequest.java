package dev.cairn.datastore.api;

/**
 * A put, as etcd's {@code PutRequest}. Every put creates a new revision, even with an unchanged value.
 *
 * <p>{@code lease} must exist ({@link StoreError#LEASE_NOT_FOUND}); 0 detaches the key from its lease unless
 * {@code ignoreLease}. {@code ignoreValue}/{@code ignoreLease} keep the current value/lease and need an existing key
 * ({@link StoreError#KEY_NOT_FOUND}); setting a value or a lease together with them is
 * {@link StoreError#VALUE_PROVIDED} / {@link StoreError#LEASE_PROVIDED}.
 */
public record PutRequest(byte[] key, byte[] value, long lease, boolean prevKv, boolean ignoreValue,
        boolean ignoreLease) {

    public PutRequest {
        value = value == null ? Bytes.EMPTY : value;
    }

    public static PutRequest of(byte[] key, byte[] value) {
        return new PutRequest(key, value, 0, false, false, false);
    }

    public static PutRequest of(byte[] key, byte[] value, long lease) {
        return new PutRequest(key, value, lease, false, false, false);
    }
}
