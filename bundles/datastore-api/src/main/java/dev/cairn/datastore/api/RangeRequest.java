package dev.cairn.datastore.api;

/**
 * A read of a key range, as etcd's {@code RangeRequest}.
 *
 * <ul>
 * <li>{@code revision <= 0}: the current revision; {@code > current}: {@link StoreError#FUTURE_REVISION};
 * {@code < compact revision}: {@link StoreError#COMPACTED} (equal to it is allowed).</li>
 * <li>{@code limit 0}: unlimited. The limit applies after sorting and the min/max filters.</li>
 * <li>{@code sortTarget} other than KEY with {@code sortOrder NONE} means ascending.</li>
 * <li>The min/max revision filters are post-filters: they never change {@link RangeResult#count()}.</li>
 * <li>{@code serializable}: a local read that may be stale on a replicated backend.</li>
 * </ul>
 */
public record RangeRequest(KeyRange range, long revision, long limit, SortOrder sortOrder, SortTarget sortTarget,
        boolean serializable, boolean keysOnly, boolean countOnly, long minModRevision, long maxModRevision,
        long minCreateRevision, long maxCreateRevision) {

    public enum SortOrder { NONE, ASCEND, DESCEND }

    public enum SortTarget { KEY, VERSION, CREATE, MOD, VALUE }

    public RangeRequest {
        sortOrder = sortOrder == null ? SortOrder.NONE : sortOrder;
        sortTarget = sortTarget == null ? SortTarget.KEY : sortTarget;
    }

    public static RangeRequest of(KeyRange range) {
        return builder(range).build();
    }

    public static Builder builder(KeyRange range) {
        return new Builder(range);
    }

    /** True when any min/max revision filter is set. */
    public boolean hasFilters() {
        return minModRevision > 0 || maxModRevision > 0 || minCreateRevision > 0 || maxCreateRevision > 0;
    }

    /** Fluent construction, so callers name only the fields they set. */
    public static final class Builder {
        private final KeyRange range;
        private long revision;
        private long limit;
        private SortOrder sortOrder = SortOrder.NONE;
        private SortTarget sortTarget = SortTarget.KEY;
        private boolean serializable;
        private boolean keysOnly;
        private boolean countOnly;
        private long minMod;
        private long maxMod;
        private long minCreate;
        private long maxCreate;

        private Builder(KeyRange range) {
            this.range = range;
        }

        public Builder revision(long v) { revision = v; return this; }
        public Builder limit(long v) { limit = v; return this; }
        public Builder sort(SortTarget target, SortOrder order) { sortTarget = target; sortOrder = order; return this; }
        public Builder serializable(boolean v) { serializable = v; return this; }
        public Builder keysOnly(boolean v) { keysOnly = v; return this; }
        public Builder countOnly(boolean v) { countOnly = v; return this; }
        public Builder modRevisions(long min, long max) { minMod = min; maxMod = max; return this; }
        public Builder createRevisions(long min, long max) { minCreate = min; maxCreate = max; return this; }

        public RangeRequest build() {
            return new RangeRequest(range, revision, limit, sortOrder, sortTarget, serializable, keysOnly, countOnly,
                    minMod, maxMod, minCreate, maxCreate);
        }
    }
}
