package dev.nsq.nsqd.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A raw protocol V2 client for tests: writes exact bytes, reads exact frames. Deliberately not our
 * client library, so protocol tests check the wire and nothing in between.
 */
public final class WireClient implements AutoCloseable {
    public record Frame(int type, byte[] data) {
        public String text() { return new String(data, StandardCharsets.UTF_8); }
        public boolean isMessage() { return type == 2; }
        public long timestamp() { return ByteBuffer.wrap(data, 0, 8).getLong(); }
        public int attempts() { return ByteBuffer.wrap(data, 8, 2).getShort() & 0xffff; }
        public String id() { return new String(data, 10, 16, StandardCharsets.US_ASCII); }
        public String body() { return new String(data, 26, data.length - 26, StandardCharsets.UTF_8); }
        @Override public String toString() { return "Frame(" + type + ", " + (isMessage() ? "msg " + body() : text()) + ")"; }
    }

    private final Socket socket;
    private InputStream rawIn;
    private DataInputStream in;
    private OutputStream out;

    public WireClient(int port) throws IOException { this(port, true); }

    public WireClient(int port, boolean magic) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(5000);
        rawIn = socket.getInputStream();
        in = new DataInputStream(rawIn);
        out = socket.getOutputStream();
        if (magic) send("  V2".getBytes(StandardCharsets.US_ASCII));
    }

    /** A new connection to {@code port} subscribed to {@code topic}/{@code channel} (its OK read) with RDY {@code rdy} sent. */
    public static WireClient subscribe(int port, String topic, String channel, int rdy) throws IOException {
        WireClient c = new WireClient(port);
        c.cmd("SUB " + topic + " " + channel);
        String ok = c.readSkippingHeartbeats(5000).text();
        if (!ok.equals("OK")) throw new AssertionError("SUB " + topic + " " + channel + " -> " + ok);
        c.cmd("RDY " + rdy);
        return c;
    }

    public Socket socket() { return socket; }

    public InputStream input() { return rawIn; }

    public OutputStream output() { return out; }

    /**
     * Reads and writes through other streams from now on: an upgrade (TLS, snappy, deflate) wraps
     * the current ones. Frames are read with exact-length reads, so nothing past the last frame
     * has been consumed from the old stream when the upgrade happens.
     */
    public WireClient useStreams(InputStream newIn, OutputStream newOut) {
        rawIn = newIn;
        in = new DataInputStream(newIn);
        out = newOut;
        return this;
    }

    /** Exactly n raw bytes from the current stream. */
    public byte[] readRaw(int n) throws IOException {
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    public WireClient send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
        return this;
    }

    public WireClient cmd(String line) throws IOException {
        return send((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public WireClient cmd(String line, byte[] body) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
        b.writeBytes(ByteBuffer.allocate(4).putInt(body.length).array());
        b.writeBytes(body);
        return send(b.toByteArray());
    }

    public WireClient cmd(String line, String body) throws IOException {
        return cmd(line, body.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] mpubBody(String... messages) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(ByteBuffer.allocate(4).putInt(messages.length).array());
        for (String m : messages) {
            byte[] x = m.getBytes(StandardCharsets.UTF_8);
            b.writeBytes(ByteBuffer.allocate(4).putInt(x.length).array());
            b.writeBytes(x);
        }
        return b.toByteArray();
    }

    /** The next frame, or an exception after the timeout. */
    public Frame read(int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        int size = in.readInt();
        int type = in.readInt();
        byte[] data = new byte[size - 4];
        in.readFully(data);
        return new Frame(type, data);
    }

    public Frame read() throws IOException { return read(5000); }

    /** The next frame that is not a heartbeat. */
    public Frame readSkippingHeartbeats(int timeoutMs) throws IOException {
        while (true) {
            Frame f = read(timeoutMs);
            if (!(f.type == 0 && f.text().equals("_heartbeat_"))) return f;
        }
    }

    /** The next frame that is not a heartbeat, or null once nothing came for {@code idleMs}. */
    public Frame readSkippingHeartbeatsOrNull(int idleMs) throws IOException {
        try {
            return readSkippingHeartbeats(idleMs);
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /** True if nothing arrives for {@code ms} (and the connection stays open). */
    public boolean silentFor(int ms) throws IOException {
        try {
            Frame f = read(ms);
            throw new AssertionError("expected silence, got " + f);
        } catch (SocketTimeoutException e) {
            return true;
        }
    }

    /** True once the server has closed the connection (EOF or reset), reading at most {@code ms}. */
    public boolean closedWithin(int ms) throws IOException {
        long deadline = System.currentTimeMillis() + ms;
        try {
            while (System.currentTimeMillis() < deadline) {
                socket.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
                if (in.read() < 0) return true;
            }
            return false;
        } catch (EOFException | java.net.SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
        }
    }
}
