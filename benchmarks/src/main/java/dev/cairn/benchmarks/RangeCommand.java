package dev.cairn.benchmarks;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code range KEY [END]}: etcd's range benchmark; every request is the same Range. */
@Command(name = "range", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Benchmark range: Range of KEY, or of [KEY, END) when END is given.")
final class RangeCommand implements Callable<Integer> {

    @ParentCommand
    Benchmark global;

    @Parameters(index = "0", description = "The key (text).")
    String key;

    @Parameters(index = "1", arity = "0..1", description = "Range end, exclusive (text).")
    String end;

    @Option(names = "--consistency", defaultValue = "l",
            description = "Linearizable (l) or Serializable (s). Default: ${DEFAULT-VALUE}.")
    String consistency;

    @Option(names = "--limit", defaultValue = "0", description = "Maximum number of results (0 = all). Default: ${DEFAULT-VALUE}.")
    long limit;

    @Option(names = "--count-only", description = "Only returns the count of keys.")
    boolean countOnly;

    @Override
    public Integer call() {
        global.validate();
        if (!consistency.equals("l") && !consistency.equals("s")) {
            throw new IllegalArgumentException("--consistency must be l (linearizable) or s (serializable), was '"
                    + consistency + "'");
        }
        RangeRequest.Builder builder = RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
                .setSerializable(consistency.equals("s")).setLimit(limit).setCountOnly(countOnly);
        if (end != null) {
            builder.setRangeEnd(ByteString.copyFromUtf8(end));
        }
        // Immutable, so one message serves every request of every client.
        RangeRequest request = builder.build();
        try (Connections connections = Connections.open(global)) {
            RunResult run = new ClosedLoop<RangeResponse>(global.clients, c -> {
                KVGrpc.KVStub stub = KVGrpc.newStub(connections.channel(c));
                return (index, done) -> stub.range(request, done);
            }).run(global.warmup, global.total);
            new Report(System.out).print("range", "range", global.clients, global.conns, run,
                    "consistency=" + consistency);
            return run.errors().total() == 0 ? 0 : 1;
        }
    }
}
