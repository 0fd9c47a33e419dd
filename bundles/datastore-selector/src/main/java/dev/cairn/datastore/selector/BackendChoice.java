package dev.cairn.datastore.selector;

/**
 * Which backend type the configuration asks for, and with which endpoint (the precedence rule of DESIGN.md; only
 * the SQLite rules exist so far).
 */
record BackendChoice(String type, String endpoint) {

    static BackendChoice from(String datastoreEndpoint) {
        String e = datastoreEndpoint == null ? "" : datastoreEndpoint.trim();
        if (e.isEmpty()) {
            return new BackendChoice("sqlite", "");
        }
        int colon = e.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("datastore-endpoint: '" + e
                    + "' names no datastore type; write it as sqlite:<path>");
        }
        return new BackendChoice(e.substring(0, colon), e);
    }
}
