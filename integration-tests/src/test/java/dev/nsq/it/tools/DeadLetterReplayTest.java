package dev.nsq.it.tools;

import dev.nsq.it.client.Local;
import dev.nsq.nsqd.Nsqd;
import dev.nsq.tools.NsqTail;
import dev.nsq.tools.ToNsq;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The README's recipe for sending dead letters back (nsqd --max-attempts): nsq_tail reads the
 * dead-letter topic on its own channel and to_nsq publishes what it printed to the original topic,
 * where the channel gets the message again with fresh attempts.
 */
class DeadLetterReplayTest {
    @TempDir Path data;
    Nsqd nsqd;

    @AfterEach
    void stop() throws Exception {
        if (nsqd != null) Local.sync(nsqd.stop());
    }

    @Test
    void nsqTailIntoToNsqSendsDeadLettersBack() throws Exception {
        nsqd = Local.nsqd(data, o -> o.maxAttempts = 2);
        String topic = Local.topic("orders");
        assertEquals(200, Local.post(nsqd.httpPort(), "/pub?topic=" + topic, "poison one"));
        assertEquals(200, Local.post(nsqd.httpPort(), "/pub?topic=" + topic, "poison two"));
        try (Socket s = subscribe(topic, "billing")) {
            for (int i = 0; i < 4; i++) requeueNext(s); // two messages, two deliveries each
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    Local.channelStats(nsqd, topic, "billing").path("dead_letter_count").asLong() == 2);
        }
        String dlq = topic + ".billing.dlq";

        ToolRun tail = new ToolRun("");
        assertEquals(0, tail.run(NsqTail::run, "--topic=" + dlq, "--channel=replay", "--n=2",
                "--nsqd-tcp-address=" + Local.tcp(nsqd)), tail.err());
        ToolRun to = new ToolRun(tail.out());
        assertEquals(0, to.run(ToNsq::run, "--topic=" + topic, "--nsqd-tcp-address=" + Local.tcp(nsqd)), to.err());

        await().atMost(Duration.ofSeconds(10)).until(() -> Local.channelStats(nsqd, topic, "billing").path("depth").asLong() == 2);
        try (Socket s = subscribe(topic, "billing")) {
            assertEquals(1, nextAttempts(s), "back in the channel with fresh attempts");
        }
        assertEquals(0, Local.channelStats(nsqd, dlq, "replay").path("depth").asLong(), "nsq_tail finished what it printed");
    }

    private Socket subscribe(String topic, String channel) throws Exception {
        Socket s = new Socket("127.0.0.1", nsqd.tcpPort());
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write(("  V2SUB " + topic + " " + channel + "\nRDY 1\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        readFrame(s); // OK
        return s;
    }

    /** Reads the next message and REQs it at once. */
    private static void requeueNext(Socket s) throws Exception {
        byte[] m = nextMessage(s);
        String id = new String(m, 10, 16, StandardCharsets.US_ASCII);
        s.getOutputStream().write(("REQ " + id + " 0\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    private static int nextAttempts(Socket s) throws Exception {
        byte[] m = nextMessage(s);
        return ((m[8] & 0xff) << 8) | (m[9] & 0xff);
    }

    private static byte[] nextMessage(Socket s) throws Exception {
        while (true) {
            byte[][] f = readFrame(s);
            if (f[0][0] == 2) return f[1];
        }
    }

    /** {type, data} of the next frame. */
    private static byte[][] readFrame(Socket s) throws Exception {
        DataInputStream in = new DataInputStream(s.getInputStream());
        int size = in.readInt();
        int type = in.readInt();
        byte[] d = new byte[size - 4];
        in.readFully(d);
        return new byte[][]{{(byte) type}, d};
    }
}
