package dev.cairn.benchmarks;

import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.TxnResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code txn-put}: etcd's txn-put benchmark, a Txn of --txn-ops puts without compares. */
@Command(name = "txn-put", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Benchmark txn-put: each request is one Txn of --txn-ops puts to consecutive key numbers.")
final class TxnPutCommand implements Callable<Integer> {

    @ParentCommand
    Benchmark global;

    @Option(names = "--key-size", defaultValue = "8", description = "Key size of txn put. Default: ${DEFAULT-VALUE}.")
    int keySize;

    @Option(names = "--val-size", defaultValue = "8", description = "Value size of txn put. Default: ${DEFAULT-VALUE}.")
    int valSize;

    @Option(names = "--txn-ops", defaultValue = "1", description = "Number of puts per txn. Default: ${DEFAULT-VALUE}.")
    int txnOps;

    @Option(names = "--key-space-size", defaultValue = "1",
            description = "Maximum possible keys (at least --txn-ops). Default: ${DEFAULT-VALUE}.")
    long keySpaceSize;

    @Option(names = "--key-prefix", defaultValue = "", description = "Text before every key (not in etcd's tool).")
    String keyPrefix;

    @Override
    public Integer call() {
        global.validate();
        WriteWorkload workload = new WriteWorkload(keyPrefix, keySize, keySpaceSize, true, txnOps,
                Long.MAX_VALUE, valSize);
        try (Connections connections = Connections.open(global)) {
            RunResult run = new ClosedLoop<TxnResponse>(global.clients,
                    c -> workload.txnSender(KVGrpc.newStub(connections.channel(c))))
                    .run(global.warmup, global.total);
            new Report(System.out).print("txn-put", "txn-put", global.clients, global.conns, run,
                    "txn_ops=" + txnOps + " key_size=" + keySize + " val_size=" + valSize);
            return run.errors().total() == 0 ? 0 : 1;
        }
    }
}
