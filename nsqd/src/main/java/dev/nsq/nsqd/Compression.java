package dev.nsq.nsqd;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.compression.JdkZlibDecoder;
import io.netty.handler.codec.compression.JdkZlibEncoder;
import io.netty.handler.codec.compression.SnappyFrameDecoder;
import io.netty.handler.codec.compression.SnappyFrameEncoder;
import io.netty.handler.codec.compression.ZlibWrapper;
import io.vertx.core.internal.net.NetSocketInternal;

/**
 * The compressions IDENTIFY can negotiate, as Netty codecs placed just ahead of Vert.x's handler
 * (so after a TLS handler when there is one, as NSQ stacks compression on top of TLS).
 *
 * <p>Snappy is the framing format (stream identifier, CRC32C-checked chunks), what golang/snappy's
 * NewReader / NewBufferedWriter speak. Deflate is raw RFC 1951 (no zlib header); Netty's JDK encoder
 * sync-flushes every buffer it is given, and every write of ours is one frame or one burst of
 * messages, so each output flush of NSQ maps onto one sync flush here and batching is kept.
 *
 * <p>Called on the connection's event loop, between two reads: the client sends nothing compressed
 * before it has read the {@code OK} that follows the upgrade, so no byte can be misread.
 */
final class Compression {
    static final String SNAPPY_DECODER = "nsqSnappyDecoder";
    static final String SNAPPY_ENCODER = "nsqSnappyEncoder";
    static final String DEFLATE_DECODER = "nsqDeflateDecoder";
    static final String DEFLATE_ENCODER = "nsqDeflateEncoder";

    private Compression() {}

    static void snappy(NetSocketInternal socket) {
        ChannelHandlerContext vertx = socket.channelHandlerContext();
        ChannelPipeline p = vertx.pipeline();
        p.addBefore(vertx.name(), SNAPPY_DECODER, new SnappyFrameDecoder(true));
        p.addBefore(vertx.name(), SNAPPY_ENCODER, new SnappyFrameEncoder());
    }

    static void deflate(NetSocketInternal socket, int level) {
        ChannelHandlerContext vertx = socket.channelHandlerContext();
        ChannelPipeline p = vertx.pipeline();
        p.addBefore(vertx.name(), DEFLATE_DECODER, new JdkZlibDecoder(ZlibWrapper.NONE));
        p.addBefore(vertx.name(), DEFLATE_ENCODER, new JdkZlibEncoder(ZlibWrapper.NONE, level));
    }

    /** The level NSQ uses: the client's when it asks for one (> 0), else 6; never above the max. */
    static int deflateLevel(long requested, long maxLevel) {
        long level = requested > 0 ? requested : 6;
        return (int) Math.min(level, maxLevel);
    }
}
