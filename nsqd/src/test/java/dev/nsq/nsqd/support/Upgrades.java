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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The client side of IDENTIFY's upgrades for {@link WireClient}, each done as go-nsq does after the
 * IDENTIFY response: TLS with the JDK's SSLSocket, deflate with the JDK's raw Deflater/Inflater (as
 * nsq-j), snappy framing with Netty's codecs.
 */
public final class Upgrades {
    /** The snappy framing format's stream identifier chunk, the first bytes of a snappy stream. */
    public static final byte[] SNAPPY_STREAM_ID = {(byte) 0xff, 6, 0, 0, 's', 'N', 'a', 'P', 'p', 'Y'};

    private Upgrades() {}

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
