package dev.nsq.nsqd;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class OffHeapQueueTest {
    /** Remembers every chunk it hands out, to check that each is released exactly when expected. */
    static final class TrackingAllocator extends AbstractByteBufAllocator {
        final List<ByteBuf> chunks = new ArrayList<>();
        /** Chunks handed out before it fails as exhausted direct memory does. */
        int allowed = Integer.MAX_VALUE;

        TrackingAllocator() { super(true); }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            if (chunks.size() >= allowed) throw new OutOfMemoryError("Direct buffer memory");
            ByteBuf b = UnpooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity);
            chunks.add(b);
            return b;
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            throw new AssertionError("the queue asked for heap memory");
        }

        @Override
        public boolean isDirectBufferPooled() { return false; }

        long live() { return chunks.stream().filter(b -> b.refCnt() > 0).count(); }
    }

    private static Message message(long id, int bodyLength) {
        byte[] body = new byte[bodyLength];
        for (int i = 0; i < bodyLength; i++) body[i] = (byte) (id * 31 + i);
        Message m = new Message(id, 1_000_000_000L * id, body);
        m.attempts = (int) (id % 65536);
        m.diskSeq = id % 3 == 0 ? -1 : id * 7;
        m.deferMs = id % 5 == 0 ? id * 1000 : 0;
        return m;
    }

    private static void assertSameMessage(Message want, Message got) {
        assertNotNull(got, "message " + want.id);
        assertEquals(want.id, got.id);
        assertEquals(want.timestampNs, got.timestampNs);
        assertEquals(want.attempts, got.attempts);
        assertEquals(want.diskSeq, got.diskSeq);
        assertEquals(want.deferMs, got.deferMs);
        assertArrayEquals(want.body, got.body, "body of message " + want.id);
        assertEquals(-1, got.queueIndex);
        assertNull(got.owner);
    }

    @Test
    void messagesComeOutInOrderWithEveryFieldAcrossChunkBoundaries() {
        TrackingAllocator alloc = new TrackingAllocator();
        OffHeapQueue q = new OffHeapQueue(alloc, 64, 256, Long.MAX_VALUE); // a few records per chunk at most
        List<Message> in = new ArrayList<>();
        for (int i = 1; i <= 500; i++) {
            Message m = message(i, i % 97 + 1); // lengths that end records at every offset of a chunk
            in.add(m);
            q.offer(m);
        }
        assertEquals(500, q.size());
        assertTrue(alloc.chunks.size() > 100, "records spread over many chunks: " + alloc.chunks.size());
        long bytes = in.stream().mapToLong(m -> OffHeapQueue.HEADER_BYTES + m.body.length).sum();
        assertEquals(bytes, q.recordBytes());
        assertTrue(q.chunkBytes() >= bytes);
        for (Message m : in) assertSameMessage(m, q.poll());
        assertNull(q.poll());
        assertTrue(q.isEmpty());
        assertEquals(0, q.recordBytes());
        assertEquals(0, q.chunkBytes());
        assertEquals(0, alloc.live(), "an empty queue holds no chunk");
    }

    @Test
    void chunksAreReleasedAsTheyAreReadWhileTheQueueKeepsGrowing() {
        TrackingAllocator alloc = new TrackingAllocator();
        OffHeapQueue q = new OffHeapQueue(alloc, 128, 128, Long.MAX_VALUE);
        long next = 1, expected = 1;
        for (int round = 0; round < 200; round++) { // interleaved: the queue never empties
            for (int i = 0; i < 3; i++) q.offer(message(next++, 40));
            for (int i = 0; i < 2; i++) assertEquals(expected++, q.poll().id);
        }
        assertEquals(200, q.size());
        // a chunk loses less than a header at its end; read ones are gone
        assertTrue(alloc.live() <= q.recordBytes() / (128 - OffHeapQueue.HEADER_BYTES) + 2, "live chunks " + alloc.live());
        assertTrue(alloc.chunks.size() > 2 * alloc.live(), alloc.chunks.size() + " allocated, " + alloc.live() + " live");
        while (!q.isEmpty()) assertEquals(expected++, q.poll().id);
        assertEquals(next, expected);
        assertEquals(0, alloc.live());
    }

    @Test
    void aBodyLargerThanAChunkSpansSeveralAndComesBackWhole() {
        TrackingAllocator alloc = new TrackingAllocator();
        OffHeapQueue q = new OffHeapQueue(alloc, 64, 1024, Long.MAX_VALUE);
        Message small = message(1, 10);
        Message big = message(2, 10_000); // ten max-size chunks
        Message after = message(3, 5);
        q.offer(small);
        q.offer(big);
        q.offer(after);
        assertTrue(alloc.chunks.size() >= 10);
        assertTrue(q.chunkBytes() < 3 * (10_000 + 3 * OffHeapQueue.HEADER_BYTES), "spanning wastes little: " + q.chunkBytes());
        assertSameMessage(small, q.poll());
        assertSameMessage(big, q.poll());
        assertTrue(alloc.live() <= 1, "chunks of the big body released once read: " + alloc.live());
        assertSameMessage(after, q.poll());
        assertEquals(0, alloc.live());
    }

    @Test
    void chunksGrowFromTheMinimumAndStartSmallAgainOnceEmptied() {
        TrackingAllocator alloc = new TrackingAllocator();
        OffHeapQueue q = new OffHeapQueue(alloc, 64, 512, Long.MAX_VALUE);
        for (int i = 1; i <= 50; i++) q.offer(message(i, 30));
        List<Integer> sizes = alloc.chunks.stream().map(ByteBuf::capacity).toList();
        assertEquals(List.of(64, 128, 256, 512), sizes.subList(0, 4));
        assertTrue(sizes.stream().skip(3).allMatch(s -> s == 512), sizes.toString());
        while (q.poll() != null) { }
        alloc.chunks.clear();
        q.offer(message(99, 30));
        assertEquals(64, alloc.chunks.get(0).capacity());
        q.clear();
    }

    @Test
    void clearReleasesEveryChunkAndTheQueueIsUsableAfterwards() {
        TrackingAllocator alloc = new TrackingAllocator();
        OffHeapQueue q = new OffHeapQueue(alloc, 64, 256, Long.MAX_VALUE);
        for (int i = 1; i <= 100; i++) q.offer(message(i, 50));
        q.poll();
        assertTrue(alloc.live() > 10);
        q.clear();
        assertEquals(0, alloc.live());
        assertEquals(0, q.size());
        assertEquals(0, q.recordBytes());
        assertEquals(0, q.chunkBytes());
        assertNull(q.poll());
        Message m = message(7, 20);
        q.offer(m);
        assertSameMessage(m, q.poll());
        assertEquals(0, alloc.live());
    }

    @Test
    void drainToTakesAtMostTheLimitOldestFirst() {
        OffHeapQueue q = new OffHeapQueue(new TrackingAllocator(), 64, 256, Long.MAX_VALUE);
        for (int i = 1; i <= 10; i++) q.offer(message(i, 8));
        List<Message> out = new ArrayList<>();
        assertEquals(4, q.drainTo(out::add, 4));
        assertEquals(List.of(1L, 2L, 3L, 4L), out.stream().map(m -> m.id).toList());
        out.clear();
        assertEquals(6, q.drainTo(out::add, 100));
        assertEquals(10L, out.get(5).id);
        assertTrue(q.isEmpty());
    }

    @Test
    void theOldestMessagesOfAShortQueueStayObjectsAndTheBacklogBehindThemGoesOffHeap() {
        TrackingAllocator alloc = new TrackingAllocator();
        OffHeapQueue q = new OffHeapQueue(alloc, 64, 256, Long.MAX_VALUE, 3, 1000);
        Message[] in = new Message[8];
        for (int i = 0; i < 8; i++) {
            in[i] = message(i + 1, 10);
            assertTrue(q.offer(in[i]));
        }
        assertEquals(8, q.size());
        assertEquals(5, q.offHeapSize(), "three stay objects");
        assertSame(in[0], q.poll(), "no copy for the front");
        assertTrue(q.offer(message(100, 10)), "goes behind the backlog, not to the front");
        assertSame(in[1], q.poll());
        assertSame(in[2], q.poll());
        for (int i = 3; i < 8; i++) assertSameMessage(in[i], q.poll());
        assertEquals(100, q.poll().id);
        assertEquals(0, alloc.live());
        Message big = message(200, 2000);
        assertTrue(q.offer(big));
        assertEquals(1, q.offHeapSize(), "over the front's byte limit");
        q.clear();
        assertEquals(0, alloc.live());
        assertTrue(q.offer(in[0]));
        assertEquals(0, q.offHeapSize());
        q.clear();
        assertNull(q.poll());
    }

    @Test
    void theDefaultQueueUsesPooledDirectMemoryBehindItsFront() {
        OffHeapQueue q = new OffHeapQueue();
        for (int i = 0; i < OffHeapQueue.FRONT_MESSAGES; i++) q.offer(message(i, 200));
        assertEquals(0, q.chunkBytes());
        Message m = message(42, 200);
        q.offer(m);
        assertEquals(OffHeapQueue.MIN_CHUNK_BYTES, q.chunkBytes());
        for (int i = 0; i < OffHeapQueue.FRONT_MESSAGES; i++) q.poll();
        assertSameMessage(m, q.poll());
        assertEquals(0, q.chunkBytes());
    }

    @Test
    void exhaustedDirectMemoryRefusesTheMessageAndLeavesTheQueueAsItWas() {
        TrackingAllocator alloc = new TrackingAllocator();
        OffHeapQueue q = new OffHeapQueue(alloc, 64, 64, Long.MAX_VALUE);
        Message first = message(1, 30); // 68 bytes: one chunk and 4 bytes of the next
        assertTrue(q.offer(first));
        assertEquals(2, alloc.live());
        alloc.allowed = 3;
        Message big = message(2, 200); // needs four more chunks, gets one
        assertFalse(q.offer(big));
        assertEquals(1, q.size());
        assertEquals(OffHeapQueue.HEADER_BYTES + 30, q.recordBytes());
        assertEquals(2, alloc.live(), "the chunk taken for the refused message is released");
        assertEquals(128, q.chunkBytes());
        Message small = message(3, 10); // fits where the refused one began
        assertTrue(q.offer(small));
        assertEquals(2, alloc.live(), "it fits in the second chunk");
        assertSameMessage(first, q.poll());
        assertSameMessage(small, q.poll());
        assertNull(q.poll());
        assertEquals(0, alloc.live());
        alloc.allowed = Integer.MAX_VALUE;
        assertFalse(q.offer(message(4, 5)), "no new chunk for a while after a failed allocation");
        assertTrue(q.isEmpty());
        assertEquals(0, q.chunkBytes());
    }

    @Test
    void noChunkIsTakenBeyondTheDirectMemoryLimit() {
        TrackingAllocator alloc = new TrackingAllocator();
        int chunk = 1 << 20; // big enough that other direct allocations in this JVM do not matter
        OffHeapQueue q = new OffHeapQueue(alloc, chunk, chunk, OffHeapQueue.directMemoryUsed() + chunk + chunk / 2);
        assertTrue(q.offer(message(1, 20)), "one chunk fits under the limit");
        assertFalse(q.offer(message(2, chunk)), "a second one does not");
        assertEquals(1, alloc.chunks.size(), "refused before asking the allocator");
        assertEquals(1, q.size());
        assertEquals(1, q.poll().id);
        assertEquals(0, alloc.live());
    }

    @Test
    void theReserveIsAnEighthOfTheLimitAndAtLeast32MiB() {
        assertEquals(32L << 20, OffHeapQueue.reserveBytes(128L << 20));
        assertEquals(1L << 30, OffHeapQueue.reserveBytes(8L << 30));
    }

    @Test
    void chunkBoundsAreChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new OffHeapQueue(new TrackingAllocator(), 16, 1024, Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("chunk bytes"), e.getMessage());
    }
}
