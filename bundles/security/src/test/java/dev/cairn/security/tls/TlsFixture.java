package dev.cairn.security.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** Shared set-up for the TLS tests: a data dir in a temporary folder and a way to run the generator. */
final class TlsFixture {

    static final ServerIdentity NODE1 =
            new ServerIdentity("node1", "10.0.0.5", "0.0.0.0", List.of("cairn.example.com", "192.168.7.7"));

    private TlsFixture() {
    }

    static TlsLayout ensure(Path dataDir, ServerIdentity identity) throws IOException {
        return ensure(dataDir, identity, Clock.systemUTC());
    }

    static TlsLayout ensure(Path dataDir, ServerIdentity identity, Instant at) throws IOException {
        return ensure(dataDir, identity, Clock.fixed(at, ZoneOffset.UTC));
    }

    static TlsLayout ensure(Path dataDir, ServerIdentity identity, Clock clock) throws IOException {
        return new ServerCertificates(new TlsLayout(dataDir), identity, clock).ensure();
    }

    static X509Certificate cert(Path file) throws IOException {
        return PemFiles.readCertificate(file, "test");
    }
}
