package dev.nsq.nsqd.interop;

import com.sproutsocial.nsq.Client;
import com.sproutsocial.nsq.DirectSubscriber;
import com.sproutsocial.nsq.Message;
import com.sproutsocial.nsq.Publisher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * nsqd --max-attempts with the unmodified nsq-j 1.2 client: a consumer that REQs every message it
 * gets sees each one exactly N times (attempts 1..N) while the dead-letter topic fills with them;
 * a second nsq-j consumer then reads every body from the dead-letter topic.
 */
class NsqjDeadLetterInteropTest {
    private static final int COUNT = 200;
    private static final int MAX_ATTEMPTS = 4;

    @TempDir Path dataPath;
    private final List<AutoCloseable> toStop = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = toStop.size() - 1; i >= 0; i--) toStop.get(i).close();
    }

    @Test
    void aConsumerThatAlwaysRequeuesSeesEachMessageExactlyMaxAttemptsTimes() throws Exception {
        InteropNsqd nsqd = InteropNsqd.start(dataPath, o -> o.maxAttempts = MAX_ATTEMPTS);
        toStop.add(nsqd);
        String topic = "nsqj_dlq", channel = "always_req";

        Client pubClient = new Client();
        toStop.add(pubClient::stop);
        Publisher publisher = new Publisher(pubClient, nsqd.tcpAddress(), null);
        toStop.add(publisher::stop);
        publisher.publish(topic, bytes("first")); // creates the topic
        DirectSubscriber subscriber = new DirectSubscriber(1, nsqd.tcpAddress());
        toStop.add(subscriber::stop);
        Map<String, List<Integer>> attemptsByBody = new ConcurrentHashMap<>();
        subscriber.subscribe(topic, channel, 50, (Message msg) -> {
            attemptsByBody.computeIfAbsent(new String(msg.getData(), StandardCharsets.UTF_8), b -> new CopyOnWriteArrayList<>())
                    .add(msg.getAttempts());
            msg.requeue(); // REQ <id> 0: never finished
        });
        List<byte[]> batch = new ArrayList<>();
        for (int i = 1; i < COUNT; i++) batch.add(bytes("m" + i));
        publisher.publish(topic, batch);

        String dlq = topic + "." + channel + ".dlq";
        await("every message in the dead-letter topic").atMost(Duration.ofSeconds(60))
                .until(() -> nsqd.channelStats(topic, channel).path("dead_letter_count").asLong() == COUNT);
        await().atMost(Duration.ofSeconds(5)).until(() -> attemptsByBody.size() == COUNT);
        for (Map.Entry<String, List<Integer>> e : attemptsByBody.entrySet()) {
            assertEquals(List.of(1, 2, 3, 4), e.getValue().stream().sorted().toList(), e.getKey() + " delivered exactly N times");
        }
        var stats = nsqd.channelStats(topic, channel);
        assertEquals(0, stats.path("depth").asLong() + stats.path("in_flight_count").asLong() + stats.path("deferred_count").asLong());

        Set<String> dead = ConcurrentHashMap.newKeySet();
        DirectSubscriber reader = new DirectSubscriber(1, nsqd.tcpAddress());
        toStop.add(reader::stop);
        reader.subscribe(dlq, "inspect", 50, (Message msg) -> {
            dead.add(new String(msg.getData(), StandardCharsets.UTF_8));
            msg.finish();
        });
        await("nsq-j reads the dead letters").atMost(Duration.ofSeconds(30)).until(() -> dead.size() == COUNT);
        assertEquals(attemptsByBody.keySet(), dead);
        System.out.printf("nsq-j dead letters: %d messages each delivered %d times, all %d in %s%n",
                COUNT, MAX_ATTEMPTS, dead.size(), dlq);
    }

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }
}
