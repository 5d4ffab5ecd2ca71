package dev.nsq.nsqd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.function.Consumer;

import org.slf4j.LoggerFactory;

/**
 * The FIFO memory queue of a channel or topic, kept off the Java heap. A queued message can wait for
 * a long time, and a million long-lived {@link Message} objects with their body arrays make every
 * GC cycle copy or scan them (see docs/performance-notes.md); here each one is a record in pooled
 * direct chunks instead, and becomes a {@code Message} again only when it leaves the queue
 * (delivered, or moved on), where short-lived garbage is cheap.
 *
 * <p>A short queue costs nothing extra: while nothing waits off-heap, the oldest messages (up to
 * {@link #FRONT_MESSAGES} and {@link #FRONT_BODY_BYTES}) stay the objects they are, so a consumer
 * that keeps up never pays for the copies; only a backlog beyond that goes off-heap, where a
 * long wait would make it expensive.
 *
 * <p>Record: {@code [body length int][attempts short][id long][timestamp long][disk seq long]
 * [defer ms long][body]}. A header never spans chunks (a chunk with too little room left for one is
 * closed), a body may, so a chunk wastes less than a header and a body larger than a chunk needs
 * no special case. Chunks start small and double up to {@link #MAX_CHUNK_BYTES} while the queue
 * grows, so an idle or barely used queue holds little; a chunk is released once read to its end,
 * and the last one when the queue empties, so an empty queue holds none.
 *
 * <p>Not thread-safe: guarded by the lock of the channel or topic that owns it. Every chunk is
 * released by {@link #poll}, {@link #clear} or {@link #drainTo}; the owner must call {@code clear()}
 * when it drops the queue.
 *
 * <p>Direct memory is bounded by the JVM (-XX:MaxDirectMemorySize, the heap limit by default). The
 * queues stop short of it, leaving {@link #reserveBytes} for network buffers, and then refuse
 * messages, which their owner sends to disk as when the queue is full: at the limit itself the JDK
 * runs a full GC and sleeps up to half a second before it fails an allocation, and sockets would
 * find no buffers.
 */
final class OffHeapQueue {
    /** length 4 + attempts 2 + id 8 + timestamp 8 + disk seq 8 + defer 8. */
    static final int HEADER_BYTES = 38;
    static final int MIN_CHUNK_BYTES = 16 * 1024;
    static final int MAX_CHUNK_BYTES = 1024 * 1024;
    /**
     * At most this many of the oldest messages stay on the heap: NSQ's default --mem-queue-size, so
     * a default nsqd keeps its memory queues as objects. Measured with bench_writer/bench_reader at
     * that size, copying every queued message off-heap and back cost ~12% throughput and saved no GC
     * time (10000 objects are cheap to scan); the copies pay off for big queues only.
     */
    static final int FRONT_MESSAGES = 10_000;
    private boolean exhaustionLogged;
    /** ...and at most this many bytes of their bodies, so big messages go off-heap sooner. */
    static final long FRONT_BODY_BYTES = 4L << 20;
    /** After a failed allocation the queue takes no new chunk for this long (each failure costs a full GC). */
    static final long ALLOCATION_BACKOFF_NS = 1_000_000_000L;
    /** The JDK's count of direct memory in use, for when Netty does not count it itself. */
    private static final BufferPoolMXBean DIRECT_POOL = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
            .stream().filter(p -> p.getName().equals("direct")).findFirst().orElse(null);

    private final ByteBufAllocator alloc;
    private final int minChunkBytes;
    private final int maxChunkBytes;
    /** Oldest first; the last one is written to, the first one read from. */
    private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>();
    private int nextChunkBytes;
    /** Messages held, on the heap and off it. */
    private int size;
    /** The oldest messages, as objects; it takes new ones only while nothing waits off-heap. */
    private final ArrayDeque<Message> front = new ArrayDeque<>();
    private final int frontMaxMessages;
    private final long frontMaxBodyBytes;
    private long frontBodyBytes;
    /** Messages held as records in the chunks. */
    private int offHeapSize;
    /** Bytes of the records held (headers and bodies). */
    private long recordBytes;
    /** Capacity of the chunks held. */
    private long chunkBytes;
    /** No new chunk while direct memory in use is above this. */
    private final long directLimitBytes;
    private boolean backingOff;
    private long allocationFailedNs;

    OffHeapQueue() {
        this(PooledByteBufAllocator.DEFAULT, MIN_CHUNK_BYTES, MAX_CHUNK_BYTES,
                PlatformDependent.maxDirectMemory() - reserveBytes(PlatformDependent.maxDirectMemory()),
                FRONT_MESSAGES, FRONT_BODY_BYTES);
    }

    /** Every message off-heap: for tests of the records and chunks. */
    OffHeapQueue(ByteBufAllocator alloc, int minChunkBytes, int maxChunkBytes, long directLimitBytes) {
        this(alloc, minChunkBytes, maxChunkBytes, directLimitBytes, 0, 0);
    }

    /** Sizes and limits are parameters so tests can cross chunk boundaries and limits with small records. */
    OffHeapQueue(ByteBufAllocator alloc, int minChunkBytes, int maxChunkBytes, long directLimitBytes,
                 int frontMaxMessages, long frontMaxBodyBytes) {
        if (minChunkBytes < HEADER_BYTES || maxChunkBytes < minChunkBytes)
            throw new IllegalArgumentException("chunk bytes: " + minChunkBytes + ".." + maxChunkBytes
                    + " (expected: " + HEADER_BYTES + " <= min <= max)");
        this.alloc = alloc;
        this.minChunkBytes = minChunkBytes;
        this.maxChunkBytes = maxChunkBytes;
        this.nextChunkBytes = minChunkBytes;
        this.directLimitBytes = directLimitBytes;
        this.frontMaxMessages = frontMaxMessages;
        this.frontMaxBodyBytes = frontMaxBodyBytes;
    }

    /** Direct memory left to the rest of nsqd: an eighth of the JVM's limit, at least 32 MiB. */
    static long reserveBytes(long maxDirectBytes) { return Math.max(32L << 20, maxDirectBytes / 8); }

    /** Direct memory in use, as whoever enforces the limit counts it. */
    static long directMemoryUsed() {
        long counted = PlatformDependent.usedDirectMemory(); // -1 unless Netty bypasses the JDK's accounting
        if (counted >= 0) return counted;
        return DIRECT_POOL == null ? 0 : DIRECT_POOL.getMemoryUsed();
    }

    int size() { return size; }

    boolean isEmpty() { return size == 0; }

    /** Messages held off-heap. */
    int offHeapSize() { return offHeapSize; }

    /** Bytes of the records held off-heap. */
    long recordBytes() { return recordBytes; }

    /** Direct memory held, records plus unused chunk space. */
    long chunkBytes() { return chunkBytes; }

    /**
     * Appends the message: the object itself at the front of a short queue (the queue owns it then),
     * else a copy of its ID, timestamp, attempts, disk seq, defer and body off-heap. Returns
     * false, leaving the queue as it was, when direct memory is exhausted (-XX:MaxDirectMemorySize,
     * which defaults to the heap limit): the caller then treats the queue as full.
     */
    /** {@link #offer}, logging (once per queue, as {@code owner}) when direct memory runs out. */
    boolean offerOrWarn(Message m, String owner) {
        if (offer(m)) return true;
        if (!exhaustionLogged) {
            exhaustionLogged = true;
            LoggerFactory.getLogger(OffHeapQueue.class).warn("{}: direct memory exhausted with {} messages queued in memory"
                    + " - the rest go to disk (raise -XX:MaxDirectMemorySize; logged once)", owner, size);
        }
        return false;
    }

    boolean offer(Message m) {
        byte[] body = m.body;
        if (offHeapSize == 0 && front.size() < frontMaxMessages && frontBodyBytes + body.length <= frontMaxBodyBytes) {
            front.addLast(m); // the queue now owns the object
            frontBodyBytes += body.length;
            size++;
            return true;
        }
        ByteBuf tail = chunks.peekLast();
        int chunksBefore = chunks.size();
        int tailWriterIndex = tail == null ? 0 : tail.writerIndex();
        int nextBefore = nextChunkBytes;
        if (tail == null || tail.writableBytes() < HEADER_BYTES) tail = newChunk();
        if (tail == null) return false;
        tail.writeInt(body.length);
        tail.writeShort(m.attempts);
        tail.writeLong(m.id);
        tail.writeLong(m.timestampNs);
        tail.writeLong(m.diskSeq);
        tail.writeLong(m.deferMs);
        int off = 0;
        while (true) {
            int n = Math.min(tail.writableBytes(), body.length - off);
            tail.writeBytes(body, off, n);
            off += n;
            if (off == body.length) break;
            tail = newChunk();
            if (tail == null) { // undo the part written so far
                while (chunks.size() > chunksBefore) releaseLast();
                if (chunksBefore > 0) chunks.peekLast().writerIndex(tailWriterIndex);
                nextChunkBytes = nextBefore;
                return false;
            }
        }
        size++;
        offHeapSize++;
        recordBytes += HEADER_BYTES + body.length;
        return true;
    }

    /** Removes the oldest message, or returns null when empty; one that waited off-heap is a fresh object. */
    Message poll() {
        Message first = front.pollFirst();
        if (first != null) {
            frontBodyBytes -= first.body.length;
            size--;
            return first;
        }
        if (offHeapSize == 0) return null;
        ByteBuf head = chunks.peekFirst();
        if (!head.isReadable()) { // not expected: a chunk read to its end goes at once
            releaseHead();
            head = chunks.peekFirst();
        }
        int length = head.readInt();
        int attempts = head.readUnsignedShort();
        long id = head.readLong();
        long timestampNs = head.readLong();
        long diskSeq = head.readLong();
        long deferMs = head.readLong();
        byte[] body = new byte[length];
        int off = 0;
        while (true) {
            int n = Math.min(head.readableBytes(), length - off);
            head.readBytes(body, off, n);
            off += n;
            if (off == length) break;
            releaseHead();
            head = chunks.peekFirst();
        }
        size--;
        offHeapSize--;
        recordBytes -= HEADER_BYTES + length;
        if (offHeapSize == 0) releaseAll(); // keeps nothing while idle
        else if (!head.isReadable() && chunks.size() > 1) releaseHead();
        Message m = new Message(id, timestampNs, body);
        m.attempts = attempts;
        m.diskSeq = diskSeq;
        m.deferMs = deferMs;
        return m;
    }

    /** Polls up to {@code max} messages into {@code sink}, oldest first; returns how many. */
    int drainTo(Consumer<Message> sink, int max) {
        int n = 0;
        Message m;
        while (n < max && (m = poll()) != null) {
            sink.accept(m);
            n++;
        }
        return n;
    }

    /**
     * Copies of up to {@code max} of the oldest messages, oldest first (delivery order), leaving the
     * queue exactly as it was: nothing is removed and no chunk is read through its reader index.
     */
    java.util.List<Message> peek(int max) {
        java.util.List<Message> out = new java.util.ArrayList<>(Math.min(max, size));
        for (Message m : front) {
            if (out.size() == max) return out;
            Message c = new Message(m.id, m.timestampNs, m.body);
            c.attempts = m.attempts;
            out.add(c);
        }
        java.util.Iterator<ByteBuf> it = chunks.iterator();
        ByteBuf c = null;
        int pos = 0;
        for (int left = offHeapSize; left > 0 && out.size() < max; left--) {
            while (c == null || pos >= c.writerIndex()) { // a header never spans chunks
                c = it.next();
                pos = c.readerIndex();
            }
            int length = c.getInt(pos);
            int attempts = c.getUnsignedShort(pos + 4);
            long id = c.getLong(pos + 6);
            long timestampNs = c.getLong(pos + 14);
            pos += HEADER_BYTES;
            byte[] body = new byte[length];
            for (int off = 0; off < length; ) {
                if (pos >= c.writerIndex()) {
                    c = it.next();
                    pos = c.readerIndex();
                }
                int n = Math.min(c.writerIndex() - pos, length - off);
                c.getBytes(pos, body, off, n);
                pos += n;
                off += n;
            }
            Message m = new Message(id, timestampNs, body);
            m.attempts = attempts;
            out.add(m);
        }
        return out;
    }

    /** Drops every message and releases every chunk. */
    void clear() {
        releaseAll();
        front.clear();
        frontBodyBytes = 0;
        size = 0;
        offHeapSize = 0;
        recordBytes = 0;
    }

    /** A new chunk at the end, or null when direct memory is (nearly) exhausted. */
    private ByteBuf newChunk() {
        if (backingOff) {
            if (System.nanoTime() - allocationFailedNs < ALLOCATION_BACKOFF_NS) return null;
            backingOff = false;
        }
        if (directMemoryUsed() + nextChunkBytes > directLimitBytes) return null;
        ByteBuf c;
        try {
            c = alloc.directBuffer(nextChunkBytes, nextChunkBytes);
        } catch (OutOfMemoryError e) { // Netty's OutOfDirectMemoryError, or the JDK's "Direct buffer memory"
            backingOff = true;
            allocationFailedNs = System.nanoTime();
            return null;
        }
        chunks.addLast(c);
        chunkBytes += c.capacity();
        // doubling: a small queue stays small, a big one costs few allocations
        nextChunkBytes = Math.min(maxChunkBytes, nextChunkBytes * 2);
        return c;
    }

    private void releaseHead() {
        ByteBuf c = chunks.pollFirst();
        chunkBytes -= c.capacity();
        c.release();
    }

    private void releaseLast() {
        ByteBuf c = chunks.pollLast();
        chunkBytes -= c.capacity();
        c.release();
    }

    private void releaseAll() {
        ByteBuf c;
        while ((c = chunks.pollFirst()) != null) c.release();
        chunkBytes = 0;
        nextChunkBytes = minChunkBytes;
    }
}
