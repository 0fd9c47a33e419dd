package dev.cairn.datastore.api;

/** An active alarm on a member, as etcd's {@code AlarmMember}. */
public record Alarm(long memberId, Type type) {
    public enum Type { NOSPACE, CORRUPT }
}
