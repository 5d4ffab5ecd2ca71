package dev.nsq.nsqd;

import dev.nsq.nsqd.diskqueue.DiskContext;
import dev.nsq.nsqd.diskqueue.DiskWorkers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Everything nsqd keeps under --data-path: the disk pool its work runs on, the data-path lock,
 * the open disk queues (for the --sync-timeout tick) and nsqd.dat. Thread-safe.
 */
final class Storage {
    private static final Logger log = LoggerFactory.getLogger(Storage.class);

    final Path dataPath;
    final Health health = new Health();
    private final NsqdOptions options;
    private final DiskWorkers disk;
    private final DiskContext metadataWriter;
    private final Set<DiskBackend> open = ConcurrentHashMap.newKeySet();
    private FileChannel lockChannel;
    private FileLock lock;

    Storage(Vertx vertx, NsqdOptions options) {
        this.options = options;
        this.dataPath = Path.of(options.dataPath.isEmpty() ? "." : options.dataPath).toAbsolutePath();
        // disk work is blocking by nature: a small pool of its own, never an event loop
        this.disk = new DiskWorkers(vertx, Math.max(4, Runtime.getRuntime().availableProcessors() * 2));
        this.metadataWriter = disk.newQueue("nsqd.dat");
    }

    /** Creates the data path and takes its lock, so two nsqds never share one directory. */
    void lock() throws IOException {
        Files.createDirectories(dataPath);
        lockChannel = FileChannel.open(dataPath.resolve(".nsqd.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        lock = lockChannel.tryLock();
        if (lock == null) throw new IOException("failed to lock data-path " + dataPath + " (in use by another nsqd)");
    }

    /**
     * A topic's or channel's disk queue. With --persist-deferred and --mem-queue-size=0 (every message
     * on disk) it keeps an AckLog, so a message moved to the deferred journal after a REQ is not also
     * delivered at once from here after a crash (nor is what was finished out of order before it).
     */
    DiskBackend openBackend(String name, LongSupplier idFallback) {
        DiskBackend b = new DiskBackend(name, dataPath, options, disk.newQueue(name), health, idFallback, 0,
                options.persistDeferred && options.memQueueSize == 0);
        open.add(b);
        return b;
    }

    /**
     * The journal of a topic's or channel's deferred messages ({@code <queue name>#deferred}); null
     * unless --persist-deferred, or a journal is left from a run with it (its messages are then still
     * delivered at their time, and nothing new is written to it).
     */
    DeferredJournal openJournal(String queueName, LongSupplier idFallback) {
        String name = queueName + DeferredJournal.SUFFIX;
        if (!options.persistDeferred && !Files.exists(dataPath.resolve(name + ".diskqueue.meta.dat"))) return null;
        DiskBackend b = new DiskBackend(name, dataPath, options, disk.newQueue(name), health, idFallback,
                DeferredJournal.DUE_BYTES, true);
        open.add(b);
        return new DeferredJournal(b);
    }

    void forget(DiskBackend b) { open.remove(b); }

    /** The --sync-timeout tick: fsync every queue that changed. */
    void syncAll() {
        for (DiskBackend b : open) b.syncIfDirty();
    }

    /**
     * Writes nsqd.dat, after every earlier save. The snapshot is taken on the worker, holding no
     * topic lock of the caller, so two topics changing at once can never wait on each other.
     */
    Future<Void> saveMetadata(Supplier<List<Metadata.TopicMeta>> snapshot) {
        return metadataWriter.submit(() -> {
            try {
                Metadata.save(dataPath, snapshot.get());
            } catch (IOException e) {
                log.error("NSQ: failed to persist metadata - {}", e.toString());
            }
            return null;
        });
    }

    /**
     * Releases the lock and closes the disk pool (queued disk work still runs). Work asked for
     * later is refused without an exception at the caller: its future fails (see {@link DiskContext}).
     */
    void close() {
        disk.close();
        try {
            if (lock != null) lock.release();
            if (lockChannel != null) lockChannel.close();
        } catch (IOException ignored) {
        }
    }
}
