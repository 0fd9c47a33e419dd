/** The cluster's TLS material, as the other bundles consume it. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package dev.cairn.security.api;
