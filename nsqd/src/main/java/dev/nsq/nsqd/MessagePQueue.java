package dev.nsq.nsqd;

import java.util.Arrays;

/**
 * A binary min-heap of messages by {@link Message#priorityNs} that knows each message's slot, so a
 * FIN, REQ or TOUCH removes or moves its message in O(log n) (as NSQ's in_flight_pqueue.go). Used
 * for in-flight timeouts and for deferred messages.
 *
 * <p>Not thread-safe: guarded by its channel's lock.
 */
final class MessagePQueue {
    private Message[] heap = new Message[64];
    private int size;

    int size() { return size; }

    void push(Message m) {
        if (size == heap.length) heap = Arrays.copyOf(heap, size * 2);
        heap[size] = m;
        m.queueIndex = size;
        size++;
        up(size - 1);
    }

    /** The earliest message if its priority is at or before {@code nowNs}, removed; else null. */
    Message popIfDue(long nowNs) {
        if (size == 0 || heap[0].priorityNs - nowNs > 0) return null;
        Message m = heap[0];
        removeAt(0);
        return m;
    }

    void remove(Message m) {
        int i = m.queueIndex;
        if (i < 0 || i >= size || heap[i] != m) return;
        removeAt(i);
    }

    /** Re-sorts a message whose priority changed. */
    void update(Message m, long priorityNs) {
        m.priorityNs = priorityNs;
        int i = m.queueIndex;
        if (i < 0 || heap[i] != m) return;
        up(i);
        down(m.queueIndex);
    }

    /** Every message, in no particular order, left where it is (replication's catch-up reads them). */
    void forEach(java.util.function.Consumer<Message> action) {
        for (int i = 0; i < size; i++) action.accept(heap[i]);
    }

    /** Removes and returns everything (for empty, close and flush). */
    Message[] drain() {
        Message[] out = Arrays.copyOf(heap, size);
        for (Message m : out) m.queueIndex = -1;
        Arrays.fill(heap, 0, size, null);
        size = 0;
        return out;
    }

    private void removeAt(int i) {
        Message removed = heap[i];
        size--;
        if (i != size) {
            heap[i] = heap[size];
            heap[i].queueIndex = i;
            heap[size] = null;
            up(i);
            down(heap[i].queueIndex);
        } else {
            heap[size] = null;
        }
        removed.queueIndex = -1;
        if (heap.length > 64 && size < heap.length / 4) heap = Arrays.copyOf(heap, heap.length / 2);
    }

    private void up(int i) {
        Message m = heap[i];
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (heap[p].priorityNs - m.priorityNs <= 0) break;
            heap[i] = heap[p];
            heap[i].queueIndex = i;
            i = p;
        }
        heap[i] = m;
        m.queueIndex = i;
    }

    private void down(int i) {
        Message m = heap[i];
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) break;
            int r = l + 1;
            int c = (r < size && heap[r].priorityNs - heap[l].priorityNs < 0) ? r : l;
            if (m.priorityNs - heap[c].priorityNs <= 0) break;
            heap[i] = heap[c];
            heap[i].queueIndex = i;
            i = c;
        }
        heap[i] = m;
        m.queueIndex = i;
    }
}
