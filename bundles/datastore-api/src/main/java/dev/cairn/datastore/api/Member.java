package dev.cairn.datastore.api;

import java.util.List;

/** A member of the datastore's cluster, as etcd's {@code Member}; an empty name means "not started yet". */
public record Member(long id, String name, List<String> peerUrls, List<String> clientUrls, boolean learner) {
}
