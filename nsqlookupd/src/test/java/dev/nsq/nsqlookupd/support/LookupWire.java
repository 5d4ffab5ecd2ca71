package dev.nsq.nsqlookupd.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A raw lookup protocol V1 client for tests: writes exact bytes, reads exact {@code [size][data]}
 * replies (no frame type). Deliberately not nsqd's lookup peer, so the tests check the wire only.
 */
public final class LookupWire implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    LookupWire(int port, boolean magic) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(5000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        if (magic) send("  V1");
    }

    /** An IDENTIFY body as nsqd sends it. */
    public static String peerJson(String broadcast, int tcpPort, int httpPort) {
        return "{\"broadcast_address\":\"" + broadcast + "\",\"hostname\":\"host-" + broadcast + "\",\"tcp_port\":" + tcpPort
                + ",\"http_port\":" + httpPort + ",\"version\":\"1.3.0\"}";
    }

    /** {@code IDENTIFY\n[4-byte size][body]} as bytes. */
    public static byte[] identifyBytes(String body) {
        byte[] json = body.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("IDENTIFY\n".getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(ByteBuffer.allocate(4).putInt(json.length).array());
        b.writeBytes(json);
        return b.toByteArray();
    }

    public LookupWire send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
        return this;
    }

    public LookupWire send(String raw) throws IOException { return send(raw.getBytes(StandardCharsets.UTF_8)); }

    /** One byte per write, flushed each time. */
    public LookupWire sendByteAtATime(byte[] raw) throws IOException {
        for (byte b : raw) {
            out.write(b);
            out.flush();
        }
        return this;
    }

    public LookupWire cmd(String line) throws IOException { return send(line + "\n"); }

    public LookupWire identify(String body) throws IOException { return send(identifyBytes(body)); }

    /** Sends the line and returns the reply's text. */
    public String call(String line) throws IOException {
        cmd(line);
        return read();
    }

    /** The next reply's data as text, or an exception after the timeout. */
    public String read() throws IOException { return new String(readBytes(), StandardCharsets.UTF_8); }

    public byte[] readBytes() throws IOException {
        socket.setSoTimeout(5000);
        int size = in.readInt();
        byte[] data = new byte[size];
        in.readFully(data);
        return data;
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
        } catch (EOFException | SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** The reply, then the server closes: how every V1 error ends. */
    public String readFatal() throws IOException {
        String reply = read();
        if (!closedWithin(3000)) throw new AssertionError("connection still open after " + reply);
        return reply;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
        }
    }
}
