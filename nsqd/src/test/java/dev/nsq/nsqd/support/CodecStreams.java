package dev.nsq.nsqd.support;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Blocking streams that run bytes through a Netty codec in an {@link EmbeddedChannel}, so a test's
 * raw socket client can speak snappy framing with a library codec instead of a hand-written one.
 * Writes are buffered until {@link OutputStream#flush()}, like a client's buffered writer.
 */
public final class CodecStreams {
    private CodecStreams() {}

    public static InputStream decoding(InputStream raw, ChannelHandler decoder) {
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        return new InputStream() {
            private ByteBuf pending = Unpooled.EMPTY_BUFFER;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) return 0;
                while (!pending.isReadable()) {
                    ByteBuf next = ch.readInbound();
                    if (next != null) {
                        pending.release();
                        pending = next;
                        continue;
                    }
                    byte[] buf = new byte[8192];
                    int n = raw.read(buf);
                    if (n < 0) return -1;
                    ch.writeInbound(Unpooled.wrappedBuffer(buf, 0, n));
                }
                int n = Math.min(len, pending.readableBytes());
                pending.readBytes(b, off, n);
                return n;
            }
        };
    }

    public static OutputStream encoding(OutputStream raw, ChannelHandler encoder) {
        EmbeddedChannel ch = new EmbeddedChannel(encoder);
        return new OutputStream() {
            private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

            @Override
            public void write(int b) { buf.write(b); }

            @Override
            public void write(byte[] b, int off, int len) { buf.write(b, off, len); }

            @Override
            public void flush() throws IOException {
                if (buf.size() > 0) {
                    ch.writeOutbound(Unpooled.wrappedBuffer(buf.toByteArray()));
                    buf.reset();
                }
                for (ByteBuf out; (out = ch.readOutbound()) != null; ) {
                    byte[] bytes = new byte[out.readableBytes()];
                    out.readBytes(bytes);
                    out.release();
                    raw.write(bytes);
                }
                raw.flush();
            }
        };
    }
}
