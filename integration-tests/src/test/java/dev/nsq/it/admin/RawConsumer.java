package dev.nsq.it.admin;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A consumer speaking raw TCP V2 (magic, IDENTIFY-less SUB, RDY) that never finishes its messages,
 * so the channel page has a client with messages in flight. The socket is drained so nsqd never blocks.
 */
final class RawConsumer implements AutoCloseable {
    private final Socket socket;

    RawConsumer(int tcpPort, String topic, String channel, int rdy) throws IOException {
        socket = new Socket("127.0.0.1", tcpPort);
        OutputStream out = socket.getOutputStream();
        out.write(("  V2SUB " + topic + " " + channel + "\nRDY " + rdy + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread drain = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                while (socket.getInputStream().read(buf) >= 0) { /* discard: this consumer never answers */ }
            } catch (IOException ignored) {
                // closed by the test
            }
        }, "raw-consumer-drain");
        drain.setDaemon(true);
        drain.start();
    }

    @Override
    public void close() throws IOException { socket.close(); }
}
