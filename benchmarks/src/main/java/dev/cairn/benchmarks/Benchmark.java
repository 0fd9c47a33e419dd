package dev.cairn.benchmarks;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * A load generator for any etcd v3 endpoint, modelled on etcd's {@code tools/benchmark}: the same global options,
 * commands and output, so that figures measured against Cairn and against the reference etcd read alike.
 *
 * <p>It talks to the server through the raw grpc-java stubs of jetcd-grpc, never through jetcd-core, so that
 * the client adds as little as possible to what is measured.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = "A low-level benchmark tool for etcd v3 endpoints (etcd, Cairn, ...).",
        subcommands = {PutCommand.class, RangeCommand.class, TxnPutCommand.class, WatchCommand.class,
                FillCommand.class, AvailabilityCommand.class})
public final class Benchmark {

    @Option(names = "--endpoints", split = ",", defaultValue = "127.0.0.1:2379", scope = ScopeType.INHERIT,
            description = "gRPC endpoints, comma separated: host:port, http://host:port or https://host:port "
                    + "(host:port uses TLS when --cacert is given). Default: ${DEFAULT-VALUE}.")
    List<String> endpoints;

    @Option(names = "--conns", defaultValue = "1", scope = ScopeType.INHERIT,
            description = "Total number of gRPC connections (channels), spread over the endpoints. Default: ${DEFAULT-VALUE}.")
    int conns;

    @Option(names = "--clients", defaultValue = "1", scope = ScopeType.INHERIT,
            description = "Total number of concurrent requesters, spread over the connections; each has one "
                    + "request in flight. Default: ${DEFAULT-VALUE}.")
    int clients;

    @Option(names = "--total", defaultValue = "10000", scope = ScopeType.INHERIT,
            description = "Total number of measured requests (for fill: keys). Default: ${DEFAULT-VALUE}.")
    long total;

    @Option(names = "--warmup", defaultValue = "0", scope = ScopeType.INHERIT,
            description = "Requests sent before the measured ones and left out of the figures (warms up the JIT "
                    + "of this client and of a JVM server). Default: ${DEFAULT-VALUE}.")
    long warmup;

    @Option(names = "--cacert", scope = ScopeType.INHERIT,
            description = "PEM file of the CA that signed the server certificate; turns TLS on.")
    Path cacert;

    @Option(names = "--cert", scope = ScopeType.INHERIT, description = "PEM client certificate (with --key).")
    Path cert;

    @Option(names = "--key", scope = ScopeType.INHERIT,
            description = "PEM private key of the client certificate, PKCS#8 (BEGIN PRIVATE KEY).")
    Path key;

    /** Checks the combinations picocli cannot express, with messages that name the flag to fix. */
    void validate() {
        if (conns < 1) {
            throw new IllegalArgumentException("--conns must be at least 1, was " + conns);
        }
        if (clients < 1) {
            throw new IllegalArgumentException("--clients must be at least 1, was " + clients);
        }
        if (total < 1) {
            throw new IllegalArgumentException("--total must be at least 1, was " + total);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must not be negative, was " + warmup);
        }
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("--cert and --key must be given together");
        }
    }

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new Benchmark());
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            if (e instanceof IllegalArgumentException || e instanceof BenchmarkFailure) {
                cmd.getErr().println("benchmark: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(commandLine.execute(args));
    }
}
