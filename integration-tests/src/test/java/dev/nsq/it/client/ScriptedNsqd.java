package dev.nsq.it.client;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw-socket stand-in for nsqd that answers only when the test says so, to hold replies back
 * (window full), answer out of the usual pattern (errors in the middle) or drop the connection
 * mid-window, which a real nsqd will not do on cue; and AUTH, which our nsqd does not implement
 * yet. It understands only the magic, IDENTIFY, AUTH and PUB; IDENTIFY is answered at once. One
 * client connection at a time.
 */
final class ScriptedNsqd implements AutoCloseable {
    private final ServerSocket server;
    private final BlockingQueue<String> pubs = new LinkedBlockingQueue<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Socket client;
    /** When set, IDENTIFY is answered with feature negotiation asking for AUTH, and only this secret passes. */
    volatile String authSecret;
    private volatile DataOutputStream out;

    ScriptedNsqd() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "scripted-nsqd");
        t.setDaemon(true);
        t.start();
    }

    String address() { return "127.0.0.1:" + server.getLocalPort(); }

    /** Bodies of PUBs received so far, oldest first (drained by the test). */
    BlockingQueue<String> pubs() { return pubs; }

    int connections() { return connections.get(); }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                client = s;
                connections.incrementAndGet();
                DataInputStream in = new DataInputStream(s.getInputStream());
                out = new DataOutputStream(s.getOutputStream());
                in.readFully(new byte[4]); // "  V2"
                while (true) {
                    String line = readLine(in);
                    if (line.startsWith("IDENTIFY")) {
                        in.readFully(new byte[in.readInt()]);
                        frame(0, authSecret == null ? "OK" : "{\"max_rdy_count\":2500,\"version\":\"1.3.0\",\"auth_required\":true}");
                    } else if (line.equals("AUTH")) {
                        byte[] secret = new byte[in.readInt()];
                        in.readFully(secret);
                        if (new String(secret, StandardCharsets.UTF_8).equals(authSecret)) {
                            frame(0, "{\"identity\":\"tester\",\"identity_url\":\"\",\"permission_count\":1}");
                        } else {
                            frame(1, "E_UNAUTHORIZED AUTH no authorizations found");
                            s.close();
                        }
                    } else if (line.startsWith("PUB ")) {
                        byte[] body = new byte[in.readInt()];
                        in.readFully(body);
                        pubs.add(new String(body, StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException e) {
                // client went away or the test dropped it: wait for the next one
            }
        }
    }

    private static String readLine(DataInputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) throw new IOException("eof");
            b.append((char) c);
        }
        return b.toString();
    }

    synchronized void frame(int type, String data) throws IOException {
        byte[] d = data.getBytes(StandardCharsets.UTF_8);
        out.writeInt(4 + d.length);
        out.writeInt(type);
        out.write(d);
        out.flush();
    }

    void ok() throws IOException { frame(0, "OK"); }

    void error(String text) throws IOException { frame(1, text); }

    /** Drops the current client connection without answering what it has sent. */
    void dropClient() throws IOException {
        Socket s = client;
        if (s != null) s.close();
    }

    @Override
    public void close() throws IOException { server.close(); dropClient(); }
}
