package dev.cairn.datastore.api;

/** A registered watch. Closing it stops delivery; no callback starts after {@link #close()} returns. */
public interface Watch extends AutoCloseable {

    /** Asks for {@link WatchListener#onProgress(long)} once the watch has caught up with the store. */
    void requestProgress();

    @Override
    void close();
}
