package dev.cairn.datastore.api;

/**
 * Every error a datastore reports, with etcd's exact message text (clients match on it byte for byte) and the gRPC
 * status code name etcd uses for it.
 */
public enum StoreError {
    COMPACTED("OUT_OF_RANGE", "etcdserver: mvcc: required revision has been compacted"),
    FUTURE_REVISION("OUT_OF_RANGE", "etcdserver: mvcc: required revision is a future revision"),
    REQUEST_TOO_LARGE("INVALID_ARGUMENT", "etcdserver: request is too large"),
    TOO_MANY_OPS("INVALID_ARGUMENT", "etcdserver: too many operations in txn request"),
    DUPLICATE_KEY("INVALID_ARGUMENT", "etcdserver: duplicate key given in txn request"),
    EMPTY_KEY("INVALID_ARGUMENT", "etcdserver: key is not provided"),
    KEY_NOT_FOUND("INVALID_ARGUMENT", "etcdserver: key not found"),
    VALUE_PROVIDED("INVALID_ARGUMENT", "etcdserver: value is provided"),
    LEASE_PROVIDED("INVALID_ARGUMENT", "etcdserver: lease is provided"),
    INVALID_SORT("INVALID_ARGUMENT", "etcdserver: invalid sort option"),
    LEASE_NOT_FOUND("NOT_FOUND", "etcdserver: requested lease not found"),
    LEASE_EXISTS("FAILED_PRECONDITION", "etcdserver: lease already exists"),
    LEASE_TTL_TOO_LARGE("OUT_OF_RANGE", "etcdserver: too large lease TTL"),
    NO_SPACE("RESOURCE_EXHAUSTED", "etcdserver: mvcc: database space exceeded"),
    NO_LEADER("UNAVAILABLE", "etcdserver: no leader"),
    LEADER_CHANGED("UNAVAILABLE", "etcdserver: leader changed"),
    TIMEOUT("UNAVAILABLE", "etcdserver: request timed out"),
    TOO_MANY_REQUESTS("RESOURCE_EXHAUSTED", "etcdserver: too many requests"),
    STOPPED("UNAVAILABLE", "etcdserver: server stopped"),
    CORRUPT("DATA_LOSS", "etcdserver: corrupt cluster"),
    NOT_LEADER("FAILED_PRECONDITION", "etcdserver: not leader"),
    MEMBER_NOT_FOUND("NOT_FOUND", "etcdserver: member not found"),
    PEER_URL_EXISTS("FAILED_PRECONDITION", "etcdserver: Peer URLs already exists"),
    MEMBER_BAD_URLS("INVALID_ARGUMENT", "etcdserver: given member URLs are invalid"),
    MEMBER_NOT_LEARNER("FAILED_PRECONDITION", "etcdserver: can only promote a learner member"),
    LEARNER_NOT_READY("FAILED_PRECONDITION",
            "etcdserver: can only promote a learner member which is in sync with leader"),
    TOO_MANY_LEARNERS("FAILED_PRECONDITION", "etcdserver: too many learner members in cluster"),
    MEMBER_NOT_ENOUGH_STARTED("FAILED_PRECONDITION",
            "etcdserver: re-configuration failed due to not enough started members"),
    BAD_LEADER_TRANSFEREE("FAILED_PRECONDITION", "etcdserver: bad leader transferee"),
    UNHEALTHY_CLUSTER("UNAVAILABLE", "etcdserver: unhealthy cluster"),
    UNSUPPORTED("UNIMPLEMENTED", "etcdserver: operation not supported by this datastore"),
    /** A failure of the storage itself (I/O error, full disk); the message is replaced by the cause's. */
    INTERNAL("UNKNOWN", "etcdserver: internal datastore error");

    private final String grpcCode;
    private final String message;

    StoreError(String grpcCode, String message) {
        this.grpcCode = grpcCode;
        this.message = message;
    }

    /** The name of the {@code io.grpc.Status.Code} etcd answers with. */
    public String grpcCode() {
        return grpcCode;
    }

    /** etcd's message, byte for byte. */
    public String message() {
        return message;
    }

    public DatastoreException exception() {
        return new DatastoreException(this);
    }
}
