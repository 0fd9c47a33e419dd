package dev.cairn.benchmarks;

import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.TxnResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code fill}: writes exactly {@code --total} distinct keys once each (for memory measurements), like the load
 * phase of {@code etcdctl check datascale}. Not in etcd's benchmark tool.
 */
@Command(name = "fill", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Load --total distinct keys, each written once (for memory measurements). "
                + "--warmup is ignored: every key is written by the measured run.")
final class FillCommand implements Callable<Integer> {

    @ParentCommand
    Benchmark global;

    @Option(names = "--key-size", defaultValue = "8", description = "Key size (after the prefix). Default: ${DEFAULT-VALUE}.")
    int keySize;

    @Option(names = "--val-size", defaultValue = "256", description = "Value size. Default: ${DEFAULT-VALUE}.")
    int valSize;

    @Option(names = "--key-prefix", defaultValue = "fill/", description = "Text before every key. Default: ${DEFAULT-VALUE}.")
    String keyPrefix;

    @Option(names = "--txn-ops", defaultValue = "1",
            description = "Keys per request: 1 sends plain Put, more send one Txn of that many puts. Default: ${DEFAULT-VALUE}.")
    int txnOps;

    @Override
    public Integer call() {
        global.validate();
        long keys = global.total;
        // A Txn cannot hold more puts than there are keys to write.
        int opsPerRequest = (int) Math.min(txnOps, keys);
        WriteWorkload workload = new WriteWorkload(keyPrefix, keySize, keys, true, opsPerRequest, keys, valSize);
        long requests = workload.requestsFor(keys);
        int clients = (int) Math.min(global.clients, requests);
        try (Connections connections = Connections.open(global)) {
            RunResult run = opsPerRequest == 1
                    ? new ClosedLoop<PutResponse>(clients,
                            c -> workload.putSender(KVGrpc.newStub(connections.channel(c)))).run(0, requests)
                    : new ClosedLoop<TxnResponse>(clients,
                            c -> workload.txnSender(KVGrpc.newStub(connections.channel(c)))).run(0, requests);
            new Report(System.out).print("fill", "fill", clients, global.conns, run,
                    String.format(java.util.Locale.ROOT, "keys=%d keys_per_sec=%.1f txn_ops=%d val_size=%d", keys,
                            keys / run.seconds(), opsPerRequest, valSize));
            return run.errors().total() == 0 ? 0 : 1;
        }
    }
}
