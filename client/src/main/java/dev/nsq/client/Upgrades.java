package dev.nsq.client;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.compression.JdkZlibDecoder;
import io.netty.handler.codec.compression.JdkZlibEncoder;
import io.netty.handler.codec.compression.SnappyFrameDecoder;
import io.netty.handler.codec.compression.SnappyFrameEncoder;
import io.netty.handler.codec.compression.ZlibWrapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * What the client puts on a connection when nsqd grants an IDENTIFY upgrade, as go-nsq does: TLS
 * first, then snappy (the framing format golang/snappy's reader and writer speak) or raw deflate
 * (RFC 1951, no zlib header). The codecs sit just ahead of Vert.x's handler, so after TLS.
 */
final class Upgrades {
    private static final String DECODER = "nsqDecompress";
    private static final String ENCODER = "nsqCompress";

    private Upgrades() {}

    /**
     * go-nsq's tls_v1 settings: the JVM's trust store or a root CA file, skip-verify trusting anything;
     * a client certificate when one is configured.
     */
    static ClientSSLOptions tls(ClientConfig cfg) {
        ClientSSLOptions o = new ClientSSLOptions();
        if (!cfg.tlsCert.isEmpty()) o.setKeyCertOptions(new PemKeyCertOptions().setCertPath(cfg.tlsCert).setKeyPath(cfg.tlsKey));
        if (cfg.tlsInsecureSkipVerify) return o.setTrustAll(true).setHostnameVerificationAlgorithm("");
        o.setHostnameVerificationAlgorithm("HTTPS");
        if (!cfg.tlsRootCaFile.isEmpty()) o.setTrustOptions(new PemTrustOptions().addCertPath(cfg.tlsRootCaFile));
        return o;
    }

    static void snappy(NetSocketInternal socket, Buffer early) throws Exception {
        install(socket, new SnappyFrameDecoder(true), new SnappyFrameEncoder(), early);
    }

    static void deflate(NetSocketInternal socket, int level, Buffer early) throws Exception {
        install(socket, new JdkZlibDecoder(ZlibWrapper.NONE), new JdkZlibEncoder(ZlibWrapper.NONE, level), early);
    }

    /**
     * Adds the codecs, then passes them what arrived compressed before they were there (nsqd sends
     * its compressed OK right after the IDENTIFY response, often in the same read), ending with a
     * read-complete so Vert.x flushes what the handlers wrote meanwhile.
     */
    private static void install(NetSocketInternal socket, ByteToMessageDecoder decoder,
                                io.netty.channel.ChannelHandler encoder, Buffer early) throws Exception {
        ChannelHandlerContext vertx = socket.channelHandlerContext();
        ChannelPipeline p = vertx.pipeline();
        p.addBefore(vertx.name(), DECODER, decoder);
        p.addBefore(vertx.name(), ENCODER, encoder);
        if (early == null || early.length() == 0) return;
        ChannelHandlerContext ctx = p.context(DECODER);
        decoder.channelRead(ctx, Unpooled.wrappedBuffer(early.getBytes()));
        decoder.channelReadComplete(ctx);
    }
}
