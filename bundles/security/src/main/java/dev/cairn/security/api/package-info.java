/** The cluster's TLS material and credentials, as the other bundles (and the launcher) consume them. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package dev.cairn.security.api;
