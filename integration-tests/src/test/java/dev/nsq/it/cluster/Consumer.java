package dev.nsq.it.cluster;

import com.sproutsocial.nsq.Client;
import com.sproutsocial.nsq.Subscriber;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The unmodified nsq-j 1.2 client finding producers through lookupd HTTP, collecting bodies. */
final class Consumer implements AutoCloseable {
    final Set<String> bodies = ConcurrentHashMap.newKeySet();
    /** Every delivery, duplicates included (at least once). */
    final java.util.concurrent.atomic.AtomicInteger deliveries = new java.util.concurrent.atomic.AtomicInteger();
    /** How often each body was delivered. */
    final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> counts = new ConcurrentHashMap<>();
    private final Client client = new Client();
    private final Subscriber subscriber;

    Consumer(String topic, String channel, String... lookupdHttpAddresses) {
        subscriber = new Subscriber(client, 1, 100, lookupdHttpAddresses);
        subscriber.subscribe(topic, channel, (com.sproutsocial.nsq.MessageDataHandler) data -> {
            deliveries.incrementAndGet();
            String body = new String(data, StandardCharsets.UTF_8);
            counts.computeIfAbsent(body, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
            bodies.add(body);
        });
    }

    int connections() { return subscriber.getConnectionCount(); }

    @Override
    public void close() {
        subscriber.stop();
        client.stop();
    }
}
