package dev.nsq.nsqd.support;

import io.netty.handler.codec.compression.SnappyFrameDecoder;
import io.netty.handler.codec.compression.SnappyFrameEncoder;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client side of IDENTIFY's upgrades for {@link WireClient}, each done as go-nsq does after the
 * IDENTIFY response: TLS with the JDK's SSLSocket, deflate with the JDK's raw Deflater/Inflater (as
 * nsq-j), snappy framing with Netty's codecs.
 */
public final class Upgrades {
    /** The snappy framing format's stream identifier chunk, the first bytes of a snappy stream. */
    public static final byte[] SNAPPY_STREAM_ID = {(byte) 0xff, 6, 0, 0, 's', 'N', 'a', 'P', 'p', 'Y'};

    private Upgrades() {}

    /**
     * PUB then SUB on one upgraded connection: publishes n messages of varied length, then receives
     * and FINs all n, so both directions of the upgraded stream carry frames of every size.
     */
    public static void roundTrip(WireClient c, String topic, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            c.cmd("PUB " + topic, "message " + i + " " + "x".repeat(i % 50));
            assertEquals("OK", c.readSkippingHeartbeats(5000).text());
        }
        c.cmd("SUB " + topic + " ch");
        assertEquals("OK", c.readSkippingHeartbeats(5000).text());
        c.cmd("RDY 100");
        Set<String> got = new HashSet<>();
        while (got.size() < n) {
            WireClient.Frame m = c.readSkippingHeartbeats(5000);
            assertTrue(m.isMessage(), m.toString());
            got.add(m.body());
            c.cmd("FIN " + m.id());
        }
        assertEquals(n, got.size());
    }

    public static SSLSocket tls(WireClient c, SSLContext ctx) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(c.socket(), "127.0.0.1", c.socket().getPort(), true);
        s.setUseClientMode(true);
        s.startHandshake();
        c.useStreams(s.getInputStream(), s.getOutputStream());
        return s;
    }

    /** Checks the server's stream starts with the snappy stream identifier, then decodes through it. */
    public static void snappy(WireClient c) throws IOException {
        byte[] id = c.readRaw(SNAPPY_STREAM_ID.length);
        assertArrayEquals(SNAPPY_STREAM_ID, id, "snappy stream identifier");
        c.useStreams(CodecStreams.decoding(new SequenceInputStream(new ByteArrayInputStream(id), c.input()), new SnappyFrameDecoder(true)),
                CodecStreams.encoding(c.output(), new SnappyFrameEncoder()));
    }

    public static void deflate(WireClient c, int level) {
        c.useStreams(new InflaterInputStream(c.input(), new Inflater(true), 1024),
                new DeflaterOutputStream(c.output(), new Deflater(level, true), true));
    }
}
