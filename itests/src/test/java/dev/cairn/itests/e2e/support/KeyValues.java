package dev.cairn.itests.e2e.support;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Whole key ranges read through jetcd and written out for comparison, as the data-keeping tests compare stores. */
public final class KeyValues {
    private KeyValues() {
    }

    /** Every key under {@code prefix} at {@code revision} (0: the current one). */
    public static List<KeyValue> all(Client client, String prefix, long revision) throws Exception {
        GetOption.Builder options = GetOption.builder().isPrefix(true);
        if (revision > 0) {
            options.withRevision(revision);
        }
        return client.getKVClient().get(ByteSequence.from(prefix, StandardCharsets.UTF_8), options.build())
                .get(60, TimeUnit.SECONDS).getKvs();
    }

    /** One line per key: key=value create-revision mod-revision version lease. */
    public static String render(List<KeyValue> kvs) {
        StringBuilder out = new StringBuilder();
        for (KeyValue kv : kvs) {
            out.append(kv.getKey().toString(StandardCharsets.UTF_8)).append('=')
                    .append(kv.getValue().toString(StandardCharsets.UTF_8)).append(' ').append(kv.getCreateRevision())
                    .append(' ').append(kv.getModRevision()).append(' ').append(kv.getVersion()).append(' ')
                    .append(kv.getLease()).append('\n');
        }
        return out.toString();
    }
}
