package dev.nsq.it.admin;

import dev.nsq.nsqadmin.Nsqadmin;
import dev.nsq.nsqd.Nsqd;
import dev.nsq.nsqd.NsqdOptions;
import io.vertx.core.net.SelfSignedCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static dev.nsq.it.admin.AdminFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * nsqadmin over an nsqd that requires TLS: nsqd's plain HTTP answers 403 with its https_port, and
 * nsqadmin asks again over HTTPS, as NSQ's http_api client does, trusting --http-client-tls-root-ca-file.
 */
@Timeout(120)
class AdminTlsTest {
    @TempDir Path dir;

    @Test
    void readsAndActionsFollowNsqdsHttpsPort() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
        NsqdOptions o = new NsqdOptions();
        o.tcpAddress = "127.0.0.1:0";
        o.httpAddress = "127.0.0.1:0";
        o.httpsAddress = "127.0.0.1:0";
        o.dataPath = dir.toString();
        o.broadcastAddress = "127.0.0.1";
        o.tlsCert = cert.certificatePath();
        o.tlsKey = cert.privateKeyPath();
        o.tlsRequired = NsqdOptions.TlsRequired.TRUE;
        Nsqd nsqd = new Nsqd(o);
        sync(nsqd.start());
        Nsqadmin admin = admin(a -> {
            a.nsqdHttpAddresses.add("localhost:" + nsqd.httpPort()); // the certificate's name
            a.httpClientTlsRootCaFile = cert.certificatePath();
        });
        try {
            String t = unique("tls");
            Resp created = send("POST", admin.httpPort(), "/api/topics", "{\"topic\":\"" + t + "\"}", Map.of());
            assertEquals(200, created.status(), created.text());
            assertEquals("", created.message(), created.text());
            Resp topics = get(admin.httpPort(), "/api/topics");
            assertEquals(200, topics.status(), topics.text());
            assertTrue(topics.text().contains(t), topics.text());
        } finally {
            sync(admin.stop());
            sync(nsqd.stop());
        }
    }
}
