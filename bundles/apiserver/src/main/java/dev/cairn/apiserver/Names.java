package dev.cairn.apiserver;

import java.util.regex.Pattern;

/** Kubernetes' object name rules: DNS-1123 labels for namespaces, DNS-1123 subdomains for the other types. */
final class Names {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern SUBDOMAIN = Pattern.compile(
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private Names() {
    }

    static void check(ResourceType type, String name) {
        if (name.isEmpty()) {
            throw ApiException.invalid(type, name, "metadata.name: Required value: name or generateName is required");
        }
        boolean label = type == ResourceType.NAMESPACES;
        int max = label ? 63 : 253;
        if (name.length() > max || !(label ? LABEL : SUBDOMAIN).matcher(name).matches()) {
            throw ApiException.invalid(type, name, "metadata.name: Invalid value: \"" + name + "\": a lowercase RFC"
                    + " 1123 " + (label ? "label" : "subdomain") + " must consist of lower case alphanumeric"
                    + " characters, '-'" + (label ? "" : " or '.'") + ", and must start and end with an alphanumeric"
                    + " character");
        }
    }
}
