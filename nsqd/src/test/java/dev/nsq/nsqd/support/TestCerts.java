package dev.nsq.nsqd.support;

import io.vertx.core.net.SelfSignedCertificate;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Self-signed certificates made at test time (no binary fixtures) and JDK client SSL contexts
 * built from them. A self-signed certificate is its own CA, so it can also be the root CA file
 * of {@code --tls-client-auth-policy=require-verify}.
 */
public final class TestCerts {
    public final String certPath;
    public final String keyPath;

    private TestCerts(String certPath, String keyPath) {
        this.certPath = certPath;
        this.keyPath = keyPath;
    }

    public static TestCerts selfSigned(String commonName) {
        SelfSignedCertificate c = SelfSignedCertificate.create(commonName);
        return new TestCerts(c.certificatePath(), c.privateKeyPath());
    }

    public X509Certificate certificate() throws Exception {
        try (InputStream in = Files.newInputStream(Path.of(certPath))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private PrivateKey privateKey() throws Exception {
        String pem = Files.readString(Path.of(keyPath)).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(pem);
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    /** Key managers presenting this certificate as a client certificate. */
    public KeyManager[] keyManagers() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("client", privateKey(), "pw".toCharArray(), new Certificate[]{certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "pw".toCharArray());
        return kmf.getKeyManagers();
    }

    /** A client context that trusts exactly the given server certificate. */
    public static SSLContext client(TestCerts server, TestCerts clientCert, String... protocols) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", server.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance(protocols.length == 0 ? "TLS" : protocols[0]);
        ctx.init(clientCert == null ? null : clientCert.keyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** A client context that accepts any server certificate (as go-nsq's tls_insecure_skip_verify). */
    public static SSLContext insecureClient() throws Exception {
        X509TrustManager all = new X509TrustManager() {
            @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}
            @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}
            @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[]{all}, null);
        return ctx;
    }
}
