package dev.nsq.nsqd.diskqueue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The records of a {@link DiskQueue} acknowledged out of order, kept on disk beside it
 * ({@code <name>.diskqueue.acked.dat}, ours): 16-byte entries {@code [int64 BE file number][int64 BE
 * position]}, appended as acknowledgements come and fsynced with the queue's metadata. The read
 * position only moves past the oldest unacknowledged record, so without this file a restart reads
 * again every record finished behind it; with it, those records are skipped. Entries behind the
 * persisted read position are stale and ignored; the file is rewritten from the read window once
 * stale entries dominate. NSQ does not know the file: it reads those records again (at least once),
 * as it would without it.
 *
 * <p>Not thread-safe: owned by its queue's context, like the queue.
 */
final class AckLog {
    private static final int ENTRY_BYTES = 16;
    /** Entries the file may hold before a rewrite is considered at all. */
    private static final long MIN_REWRITE_ENTRIES = 4096;

    private final Path file;
    private FileChannel out;
    private long[] pending = new long[32];
    private int pendingCount;
    /** Entries in the file, stale ones included. */
    private long entries;

    AckLog(Path file) { this.file = file; }

    /**
     * The entries at or after the given read position, as {@link #key}s: records acknowledged
     * before the last stop that reading must skip.
     */
    Set<Long> load(long fromFileNum, long fromPos) throws IOException {
        Set<Long> out = new HashSet<>();
        if (!Files.exists(file)) return out;
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        entries = b.remaining() / ENTRY_BYTES;
        while (b.remaining() >= ENTRY_BYTES) {
            long f = b.getLong(), p = b.getLong();
            if (f > fromFileNum || (f == fromFileNum && p >= fromPos)) out.add(key(f, p));
        }
        return out;
    }

    static long key(long fileNum, long pos) { return (fileNum << 40) ^ pos; }

    void add(long fileNum, long pos) {
        if (pendingCount + 2 > pending.length) pending = Arrays.copyOf(pending, pending.length * 2);
        pending[pendingCount++] = fileNum;
        pending[pendingCount++] = pos;
    }

    boolean hasPending() { return pendingCount > 0; }

    /** Writes and fsyncs what was added; rewrites the file from {@code window} when it is mostly stale. */
    void sync(ReadWindow window) throws IOException {
        if (entries + pendingCount / 2 > Math.max(MIN_REWRITE_ENTRIES, 2L * window.size())) {
            rewrite(window);
            return;
        }
        if (pendingCount == 0) return;
        if (out == null) {
            out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
        ByteBuffer b = ByteBuffer.allocate(pendingCount * 8);
        for (int i = 0; i < pendingCount; i++) b.putLong(pending[i]);
        b.flip();
        while (b.hasRemaining()) out.write(b);
        out.force(false);
        entries += pendingCount / 2;
        pendingCount = 0;
    }

    /** The file again with only the window's acknowledged records (temp file, fsync, rename). */
    private void rewrite(ReadWindow window) throws IOException {
        close();
        Path tmp = file.resolveSibling(file.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        long[] written = {0};
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.allocate(64 * 1024);
            window.forEachAcked((f, p) -> {
                if (b.remaining() < ENTRY_BYTES) drain(ch, b);
                b.putLong(f).putLong(p);
                written[0]++;
            });
            drain(ch, b);
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        entries = written[0];
        pendingCount = 0; // the window had them all
    }

    private static void drain(FileChannel ch, ByteBuffer b) throws IOException {
        b.flip();
        while (b.hasRemaining()) ch.write(b);
        b.clear();
    }

    /** Forgets everything (queue emptied or deleted). */
    void delete() throws IOException {
        close();
        Files.deleteIfExists(file);
        entries = 0;
        pendingCount = 0;
    }

    void close() {
        if (out == null) return;
        try {
            out.close();
        } catch (IOException ignored) {
        }
        out = null;
    }
}
