package dev.cairn.benchmarks;

import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code put}: etcd's put benchmark (plain KV.Put). */
@Command(name = "put", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Benchmark put. Keys are a zero buffer of --key-size bytes holding the key number as a varint "
                + "(etcd's layout); with the default --key-space-size 1 every put hits the same key.")
final class PutCommand implements Callable<Integer> {

    @ParentCommand
    Benchmark global;

    @Option(names = "--key-size", defaultValue = "8", description = "Key size of put request. Default: ${DEFAULT-VALUE}.")
    int keySize;

    @Option(names = "--val-size", defaultValue = "8", description = "Value size of put request. Default: ${DEFAULT-VALUE}.")
    int valSize;

    @Option(names = "--key-space-size", defaultValue = "1",
            description = "Maximum possible keys. Default: ${DEFAULT-VALUE}.")
    long keySpaceSize;

    @Option(names = "--sequential-keys", description = "Use sequential keys (key number = request number modulo "
            + "--key-space-size) instead of random ones.")
    boolean sequentialKeys;

    @Option(names = "--key-prefix", defaultValue = "",
            description = "Text before every key (not in etcd's tool), to keep runs on one server apart.")
    String keyPrefix;

    @Override
    public Integer call() {
        global.validate();
        WriteWorkload workload = new WriteWorkload(keyPrefix, keySize, keySpaceSize, sequentialKeys, 1,
                Long.MAX_VALUE, valSize);
        try (Connections connections = Connections.open(global)) {
            RunResult run = new ClosedLoop<PutResponse>(global.clients,
                    c -> workload.putSender(KVGrpc.newStub(connections.channel(c))))
                    .run(global.warmup, global.total);
            new Report(System.out).print("put", "put", global.clients, global.conns, run,
                    "key_size=" + keySize + " val_size=" + valSize);
            return run.errors().total() == 0 ? 0 : 1;
        }
    }
}
