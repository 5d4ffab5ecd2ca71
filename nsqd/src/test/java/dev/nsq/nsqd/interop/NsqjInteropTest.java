package dev.nsq.nsqd.interop;

import com.sproutsocial.nsq.Client;
import com.sproutsocial.nsq.DirectSubscriber;
import com.sproutsocial.nsq.Message;
import com.sproutsocial.nsq.Publisher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drives the unmodified sproutsocial nsq-j 1.2 client against our nsqd: its Publisher
 * (PUB and MPUB) and its DirectSubscriber (IDENTIFY/SUB/RDY/FIN without nsqlookupd).
 */
class NsqjInteropTest {
    private static final int COUNT = 10_000;

    @TempDir
    Path dataPath;

    private InteropNsqd nsqd;
    private Client pubClient;
    private Publisher publisher;
    private DirectSubscriber subscriber;

    @BeforeEach
    void startServer() throws Exception {
        nsqd = InteropNsqd.start(dataPath);
    }

    @AfterEach
    void stopAll() throws Exception {
        // Clients first, so the server does not see them as abruptly lost mid-shutdown.
        if (subscriber != null) subscriber.stop();
        if (publisher != null) publisher.stop();
        if (pubClient != null) pubClient.stop();
        if (nsqd != null) nsqd.close();
    }

    @Test
    void publishesAndConsumesTenThousandMessages() {
        String topic = "nsqj_interop_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String channel = "interop";

        // Own Client for the publisher so stopping it cannot disturb the shared default
        // client that DirectSubscriber (which has no Client-taking constructor) uses.
        pubClient = new Client();
        publisher = new Publisher(pubClient, nsqd.tcpAddress(), null);

        Set<String> published = new LinkedHashSet<>();
        int pubCommands = 0;
        int mpubCommands = 0;
        int i = 0;
        // Alternate single PUB with MPUB batches of varying size (2..51); nsq-j's
        // publish() is synchronous, so each returns only after nsqd answered OK.
        while (i < COUNT) {
            int remaining = COUNT - i;
            int size = (pubCommands + mpubCommands) % 2 == 0 || remaining == 1
                    ? 1 : Math.min(remaining, 2 + mpubCommands % 50);
            if (size == 1) {
                String body = body(topic, i++);
                publisher.publish(topic, bytes(body));
                published.add(body);
                pubCommands++;
            } else {
                List<byte[]> batch = new ArrayList<>(size);
                for (int j = 0; j < size; j++) {
                    String body = body(topic, i++);
                    batch.add(bytes(body));
                    published.add(body);
                }
                publisher.publish(topic, batch);
                mpubCommands++;
            }
        }
        assertEquals(COUNT, published.size());

        // Per body: delivery count. Per message id: attempts values seen, to tell a
        // legitimate redelivery (same id, higher attempts) from a protocol bug.
        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        Map<String, Set<Integer>> attemptsById = new ConcurrentHashMap<>();
        Map<String, Set<String>> idsByBody = new ConcurrentHashMap<>();
        AtomicInteger repeatedAttempt = new AtomicInteger();
        AtomicInteger total = new AtomicInteger();

        subscriber = new DirectSubscriber(60, nsqd.tcpAddress());
        subscriber.subscribe(topic, channel, 200, (Message msg) -> {
            String body = new String(msg.getData(), StandardCharsets.UTF_8);
            total.incrementAndGet();
            deliveries.computeIfAbsent(body, b -> new AtomicInteger()).incrementAndGet();
            idsByBody.computeIfAbsent(body, b -> ConcurrentHashMap.newKeySet()).add(msg.getId());
            if (!attemptsById.computeIfAbsent(msg.getId(), id -> ConcurrentHashMap.newKeySet())
                    .add(msg.getAttempts())) {
                repeatedAttempt.incrementAndGet();
            }
            msg.finish();
        });

        await("all " + COUNT + " bodies delivered")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> published.stream().allMatch(deliveries::containsKey));

        long unique = deliveries.size();
        long duplicates = total.get() - unique;
        long redeliveredIds = attemptsById.values().stream().filter(s -> s.size() > 1).count();
        long bodiesUnderSeveralIds = idsByBody.values().stream().filter(s -> s.size() > 1).count();
        System.out.printf("nsq-j interop: published=%d (PUB=%d, MPUB=%d) received=%d unique=%d "
                        + "duplicates=%d redeliveredIds=%d bodiesUnderSeveralIds=%d%n",
                published.size(), pubCommands, mpubCommands, total.get(), unique, duplicates,
                redeliveredIds, bodiesUnderSeveralIds);

        Set<String> unexpected = new LinkedHashSet<>(deliveries.keySet());
        unexpected.removeAll(published);
        assertTrue(unexpected.isEmpty(), "bodies nobody published: " + unexpected);
        assertEquals(COUNT, unique, "unique bodies received");
        // At-least-once allows redelivery, but each delivery of an id must carry a new
        // attempts count; the same (id, attempts) twice means nsqd sent a message twice.
        assertEquals(0, repeatedAttempt.get(), "deliveries repeating an (id, attempts) pair");

        // Server side: nsq-j's FINs were all applied (nothing left queued or in flight).
        await("channel drained in nsqd /stats").atMost(Duration.ofSeconds(30))
                .until(() -> nsqd.channelDrained(topic, channel, COUNT));
    }

    private static String body(String topic, int i) {
        return topic + "-" + i;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
