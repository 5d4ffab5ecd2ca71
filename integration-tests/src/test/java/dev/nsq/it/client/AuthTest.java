package dev.nsq.it.client;

import dev.nsq.client.ClientConfig;
import dev.nsq.client.ConnectionClosedException;
import dev.nsq.client.Producer;
import dev.nsq.protocol.NsqError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * AUTH after IDENTIFY when nsqd says {@code auth_required}. Our nsqd answers AUTH with
 * E_AUTH_DISABLED for now, so a scripted nsqd plays the part.
 */
class AuthTest {
    ScriptedNsqd nsqd;

    @BeforeEach
    void start() throws Exception {
        nsqd = new ScriptedNsqd();
        nsqd.authSecret = "s3cret";
    }

    @AfterEach
    void stop() throws Exception { nsqd.close(); }

    private static ClientConfig withSecret(String secret) {
        ClientConfig cfg = new ClientConfig();
        cfg.authSecret = secret;
        return cfg;
    }

    @Test
    void theRightSecretIsSentWithAuthAndPublishingProceeds() throws Exception {
        try (Producer p = new Producer(nsqd.address(), withSecret("s3cret"))) {
            CompletableFuture<Void> f = p.publish("t", "secret message".getBytes(StandardCharsets.UTF_8));
            assertEquals("secret message", nsqd.pubs().poll(10, TimeUnit.SECONDS));
            nsqd.ok();
            f.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWrongSecretFailsWithNsqdsErrorAndNoSecretFailsWithoutAsking() throws Exception {
        try (Producer p = new Producer(nsqd.address(), withSecret("wrong"))) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> p.publish("t", new byte[]{1}).get(10, TimeUnit.SECONDS));
            assertInstanceOf(NsqError.class, e.getCause());
            assertEquals("E_UNAUTHORIZED", ((NsqError) e.getCause()).code());
        }
        try (Producer p = new Producer(nsqd.address(), new ClientConfig())) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> p.publish("t", new byte[]{1}).get(10, TimeUnit.SECONDS));
            assertInstanceOf(ConnectionClosedException.class, e.getCause());
        }
    }
}
