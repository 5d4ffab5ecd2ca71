package dev.nsq.it.client;

import dev.nsq.client.ClientConfig;
import dev.nsq.client.ConnectionClosedException;
import dev.nsq.client.Producer;
import dev.nsq.protocol.NsqError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pipelining edge cases that need nsqd to hold back or drop replies on cue (see {@link ScriptedNsqd}). */
class ProducerPipeliningTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    ScriptedNsqd nsqd;
    Producer producer;

    @BeforeEach
    void start() throws Exception {
        nsqd = new ScriptedNsqd();
        ClientConfig cfg = new ClientConfig();
        cfg.publishWindow = 4;
        producer = new Producer(nsqd.address(), cfg);
    }

    @AfterEach
    void stop() throws Exception {
        nsqd.close();
        producer.stop().get(10, TimeUnit.SECONDS);
    }

    private List<CompletableFuture<Void>> publish(int from, int to) {
        List<CompletableFuture<Void>> out = new ArrayList<>();
        for (int i = from; i < to; i++) out.add(producer.publish("t", ("m" + i).getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    private List<String> received(int n) throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(nsqd.pubs().poll(10, TimeUnit.SECONDS));
        return out;
    }

    @Test
    void aFullWindowHoldsFurtherPublishesUntilRepliesFreeSlots() throws Exception {
        List<CompletableFuture<Void>> f = publish(0, 10);
        assertEquals(List.of("m0", "m1", "m2", "m3"), received(4));
        // nothing more goes out while four wait for their replies
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> nsqd.pubs().isEmpty() && producer.inWindow() == 4);
        nsqd.ok();
        nsqd.ok();
        assertEquals(List.of("m4", "m5"), received(2));
        await().atMost(WAIT).until(() -> f.get(0).isDone() && f.get(1).isDone());
        assertTrue(f.subList(2, 10).stream().noneMatch(CompletableFuture::isDone));
    }

    @Test
    void repliesCompleteCommandsInTheOrderTheyWereSent() throws Exception {
        List<CompletableFuture<Void>> f = publish(0, 4);
        received(4);
        nsqd.ok();
        f.get(0).get(10, TimeUnit.SECONDS);
        assertTrue(f.subList(1, 4).stream().noneMatch(CompletableFuture::isDone));
        nsqd.ok();
        f.get(1).get(10, TimeUnit.SECONDS);
        assertTrue(f.subList(2, 4).stream().noneMatch(CompletableFuture::isDone));
        // an error answers the oldest waiting command; being fatal, it also ends the connection
        nsqd.error("E_BAD_MESSAGE PUB invalid message body size 0");
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(2).get(10, TimeUnit.SECONDS));
        assertInstanceOf(NsqError.class, e.getCause());
        assertEquals("E_BAD_MESSAGE", ((NsqError) e.getCause()).code());
        e = assertThrows(ExecutionException.class, () -> f.get(3).get(10, TimeUnit.SECONDS));
        assertInstanceOf(ConnectionClosedException.class, e.getCause());
    }

    @Test
    void losingTheConnectionMidWindowFailsOnlyTheUnansweredAndTheRestGoOnANewConnection() throws Exception {
        List<CompletableFuture<Void>> f = publish(0, 6);
        assertEquals(List.of("m0", "m1", "m2", "m3"), received(4));
        nsqd.ok();
        f.get(0).get(10, TimeUnit.SECONDS);
        // the freed slot went to m4 at once
        assertEquals(List.of("m4"), received(1));
        nsqd.dropClient();
        for (int i = 1; i <= 4; i++) {
            ExecutionException e = assertThrows(ExecutionException.class, f.get(i)::get);
            assertInstanceOf(ConnectionClosedException.class, e.getCause());
        }
        // m5 had not been written yet, so it was never in the dead window: it goes on a new connection
        assertEquals(List.of("m5"), received(1));
        assertEquals(2, nsqd.connections());
        assertFalse(f.get(5).isDone());
        nsqd.ok();
        f.get(5).get(10, TimeUnit.SECONDS);
    }
}
