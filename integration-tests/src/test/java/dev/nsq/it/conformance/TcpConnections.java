package dev.nsq.it.conformance;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** The named connections of one case run, and waiting for the next frame on any of them. */
final class TcpConnections implements AutoCloseable {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, TcpConnection> byName = new LinkedHashMap<>();

    /** A frame together with the connection it arrived on. */
    record Received(TcpConnection conn, Frame frame) { }

    /** Opens {@code name}, replacing (and closing) an older connection of the same name. */
    TcpConnection open(String name, boolean v1, InetSocketAddress addr, long timeoutMs) throws IOException {
        TcpConnection c = TcpConnection.open(name, v1, addr, timeoutMs, lock, changed);
        TcpConnection old = byName.put(name, c);
        if (old != null) {
            old.close();
        }
        return c;
    }

    TcpConnection get(String name) {
        TcpConnection c = byName.get(name);
        if (c == null) {
            throw new CaseDefinitionError("connection '" + name + "' used before connect");
        }
        return c;
    }

    void close(String name) {
        get(name).close();
        byName.remove(name);
    }

    /**
     * The first buffered frame of {@code conns} (checked in order), waiting until {@code deadlineNanos}.
     * A connection that ended with nothing buffered ends the wait with ConnectionClosedException.
     */
    Received next(List<TcpConnection> conns, long deadlineNanos)
            throws TcpConnection.ConnectionClosedException, TimeoutException {
        lock.lock();
        try {
            while (true) {
                for (TcpConnection c : conns) {
                    Frame f = c.pollOrThrow();
                    if (f != null) {
                        return new Received(c, f);
                    }
                }
                long remaining = deadlineNanos - System.nanoTime();
                if (remaining <= 0) {
                    throw new TimeoutException();
                }
                changed.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure("interrupted while waiting for a frame");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        byName.values().forEach(TcpConnection::close);
        byName.clear();
    }
}
