package dev.nsq.it.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One named TCP connection. A reader thread splits incoming bytes into frames eagerly, so a step
 * can wait on several connections at once with plain sockets; all state is guarded by the lock
 * shared with {@link TcpConnections}, whose condition is signalled on every change.
 */
final class TcpConnection {
    final String name;
    final boolean v1;
    private final Socket socket;
    private final ReentrantLock lock;
    private final Condition changed;

    // guarded by lock
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();
    private final FrameSplitter splitter;
    private String closed; // why the peer's side ended, once it has
    private boolean closedByUs;

    private TcpConnection(String name, boolean v1, Socket socket, ReentrantLock lock, Condition changed) {
        this.name = name;
        this.v1 = v1;
        this.socket = socket;
        this.lock = lock;
        this.changed = changed;
        this.splitter = new FrameSplitter(name, v1);
    }

    static TcpConnection open(String name, boolean v1, InetSocketAddress addr, long timeoutMs,
                              ReentrantLock lock, Condition changed) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(addr, (int) timeoutMs);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        TcpConnection c = new TcpConnection(name, v1, s, lock, changed);
        Thread reader = new Thread(c::readLoop, "conformance-reader-" + name);
        reader.setDaemon(true);
        reader.start();
        return c;
    }

    void send(byte[] data) {
        try {
            socket.getOutputStream().write(data);
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new StepFailure("send on " + name + " failed: " + e.getMessage());
        }
    }

    void close() {
        lock.lock();
        try {
            closedByUs = true;
        } finally {
            lock.unlock();
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing our side: nothing useful to do if the OS complains
        }
    }

    /** Next frame, or null; throws when nothing more can arrive. Caller holds the lock. */
    Frame pollOrThrow() throws ConnectionClosedException {
        Frame f = frames.poll();
        if (f != null) {
            return f;
        }
        if (splitter.error() != null) {
            throw new StepFailure(splitter.error()); // an impossible frame size: nothing after it is readable
        }
        if (closed != null) {
            throw new ConnectionClosedException(name + ": connection " + closed);
        }
        return null;
    }

    private void readLoop() {
        byte[] chunk = new byte[256 * 1024];
        try {
            InputStream in = socket.getInputStream();
            int n;
            while ((n = in.read(chunk)) >= 0) {
                received(Arrays.copyOf(chunk, n));
            }
            ended("closed");
        } catch (IOException e) {
            ended("reset (" + e.getMessage() + ")");
        }
    }

    private void received(byte[] bytes) {
        lock.lock();
        try {
            frames.addAll(splitter.feed(bytes));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void ended(String how) {
        lock.lock();
        try {
            if (closedByUs) {
                return; // our own close makes the blocked read fail; that is not the peer's doing
            }
            byte[] rest = splitter.pending();
            closed = rest.length > 0 ? how + " with " + rest.length + " trailing bytes " + Show.bytes(rest) : how;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The peer closed or reset the connection and no further frame is buffered. */
    static final class ConnectionClosedException extends Exception {
        ConnectionClosedException(String message) {
            super(message, null, false, false);
        }
    }
}
