package dev.nsq.it.monitoring;

import com.sproutsocial.nsq.Client;
import com.sproutsocial.nsq.MessageDataHandler;
import com.sproutsocial.nsq.Subscriber;
import dev.nsq.it.client.Local;
import dev.nsq.nsqd.Nsqd;
import dev.nsq.nsqlookupd.Nsqlookupd;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

/**
 * What a monitoring test scrapes: an nsqlookupd and an nsqd registered with it over TCP, on
 * 127.0.0.1 port 0, with the e2e percentiles docker-compose.yml turns on. One topic has a channel
 * whose messages nsq-j consumed and finished (so every per-channel and latency figure exists), and
 * one topic was filled with {@code waiting} messages and has no channel, so they stay in its depth.
 */
final class ScrapedNodes implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    final Nsqlookupd lookupd;
    final Nsqd nsqd;
    final String consumedTopic = Local.topic("consumed");
    final String waitingTopic = Local.topic("waiting");

    ScrapedNodes(Path data, int waiting) throws Exception {
        lookupd = Local.lookupd();
        nsqd = Local.nsqd(data, o -> {
            o.lookupdTcpAddresses = List.of("127.0.0.1:" + lookupd.tcpPort());
            o.e2eProcessingLatencyPercentiles = List.of(0.99, 0.95, 0.5);
        });
        for (int i = 0; i < waiting; i++) Local.post(nsqd.httpPort(), "/pub?topic=" + waitingTopic, "w" + i);
        int consumed = 20;
        for (int i = 0; i < consumed; i++) Local.post(nsqd.httpPort(), "/pub?topic=" + consumedTopic, "c" + i);
        AtomicInteger got = new AtomicInteger();
        Client client = new Client();
        Subscriber s = new Subscriber(client, 1, 100, "127.0.0.1:" + lookupd.httpPort());
        try {
            s.subscribe(consumedTopic, "ch", (MessageDataHandler) body -> got.incrementAndGet());
            await().atMost(30, TimeUnit.SECONDS).until(() -> got.get() >= consumed
                    && metrics(nsqd.httpPort()).contains("nsq_topic_channel_e2e_processing_latency_99{"));
        } finally {
            s.stop();
            client.stop();
        }
    }

    /** The text of GET /metrics on 127.0.0.1:port. */
    static String metrics(int port) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The metric names /metrics of both daemons serve. */
    Set<String> names() throws Exception {
        Set<String> names = new TreeSet<>();
        for (int port : new int[] {nsqd.httpPort(), lookupd.httpPort()}) {
            metrics(port).lines().filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .forEach(l -> names.add(l.split("[{ ]", 2)[0]));
        }
        return names;
    }

    @Override
    public void close() throws Exception {
        Local.sync(nsqd.stop());
        Local.sync(lookupd.stop());
    }
}
