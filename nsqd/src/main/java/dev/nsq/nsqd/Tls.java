package dev.nsq.nsqd;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * nsqd's TLS configuration, built once from the {@code --tls-*} flags as NSQ's buildTLSConfig: the
 * PEM certificate and key, the client-certificate policy ({@code require} = any certificate,
 * unverified, Go's RequireAnyClientCert; {@code require-verify} = signed by {@code --tls-root-ca-file}
 * or the JDK's roots) and the lowest protocol version. The same material serves the TCP upgrade
 * (a Netty {@link SslHandler} put at the head of the connection's pipeline) and the HTTPS listener.
 *
 * <p>Immutable after {@link #build}; {@link #newHandler} may be called from any event loop.
 */
final class Tls {
    static final String HANDLER = "nsqTls";
    /** NSQ gives the client 5 s to complete the handshake after the IDENTIFY response. */
    static final long HANDSHAKE_TIMEOUT_MS = 5_000;
    private static final List<String> PROTOCOLS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    private final SslContext tcp;
    private final KeyCertOptions keyCert;
    private final TrustOptions trust;
    private final io.vertx.core.http.ClientAuth httpsClientAuth;
    private final Set<String> protocols;

    private Tls(SslContext tcp, KeyCertOptions keyCert, TrustOptions trust,
                io.vertx.core.http.ClientAuth httpsClientAuth, Set<String> protocols) {
        this.tcp = tcp;
        this.keyCert = keyCert;
        this.trust = trust;
        this.httpsClientAuth = httpsClientAuth;
        this.protocols = protocols;
    }

    /** Null when no certificate or key is configured (TLS is then not offered). */
    static Tls build(Vertx vertx, NsqdOptions o) throws Exception {
        if (!o.tlsEnabled()) return null;
        KeyCertOptions keyCert = new PemKeyCertOptions().setCertPath(o.tlsCert).setKeyPath(o.tlsKey);
        TrustOptions trust = null;
        ClientAuth auth = ClientAuth.NONE;
        io.vertx.core.http.ClientAuth httpsAuth = io.vertx.core.http.ClientAuth.NONE;
        if (o.tlsClientAuthPolicy.equals("require")) {
            trust = TrustOptions.wrap(InsecureTrustManagerFactory.INSTANCE);
            auth = ClientAuth.REQUIRE;
            httpsAuth = io.vertx.core.http.ClientAuth.REQUIRED;
        } else if (o.tlsClientAuthPolicy.equals("require-verify")) {
            trust = o.tlsRootCaFile.isEmpty() ? TrustOptions.wrap(defaultTrust()) : new PemTrustOptions().addCertPath(o.tlsRootCaFile);
            auth = ClientAuth.REQUIRE;
            httpsAuth = io.vertx.core.http.ClientAuth.REQUIRED;
        }
        Set<String> protocols = new LinkedHashSet<>(PROTOCOLS.subList(PROTOCOLS.indexOf(o.tlsMinVersion), PROTOCOLS.size()));
        SslContextBuilder b = SslContextBuilder.forServer(keyCert.getKeyManagerFactory(vertx))
                .sslProvider(SslProvider.JDK)
                .clientAuth(auth)
                .protocols(protocols);
        if (trust != null) b.trustManager(trust.getTrustManagerFactory(vertx));
        return new Tls(b.build(), keyCert, trust, httpsAuth, protocols);
    }

    private static TrustManagerFactory defaultTrust() throws Exception {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init((java.security.KeyStore) null);
        return f;
    }

    /** A server-side handler; the handshake starts with the client's hello. */
    SslHandler newHandler(ByteBufAllocator alloc) {
        SslHandler h = tcp.newHandler(alloc);
        h.setHandshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MS);
        return h;
    }

    /** The HTTPS listener's options: same certificate, client policy and versions as TCP. */
    HttpServerOptions httpsOptions() {
        HttpServerOptions h = new HttpServerOptions().setSsl(true).setKeyCertOptions(keyCert)
                .setClientAuth(httpsClientAuth).setEnabledSecureTransportProtocols(protocols);
        if (trust != null) h.setTrustOptions(trust);
        return h;
    }

    /** The peer certificate's subject CN, or "" (NSQ sends it to the auth server as common_name). */
    static String commonName(SSLSession session) {
        if (session == null) return "";
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate x)) return "";
            for (javax.naming.ldap.Rdn rdn : new javax.naming.ldap.LdapName(x.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) return String.valueOf(rdn.getValue());
            }
            return "";
        } catch (SSLPeerUnverifiedException | javax.naming.InvalidNameException e) {
            return "";
        }
    }
}
