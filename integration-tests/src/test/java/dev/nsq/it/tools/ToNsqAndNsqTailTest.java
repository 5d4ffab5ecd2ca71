package dev.nsq.it.tools;

import dev.nsq.client.ClientConfig;
import dev.nsq.client.Producer;
import dev.nsq.it.client.Local;
import dev.nsq.nsqd.Nsqd;
import dev.nsq.nsqlookupd.Nsqlookupd;
import dev.nsq.tools.NsqTail;
import dev.nsq.tools.ToNsq;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** to_nsq and nsq_tail end to end against real nsqd (and nsqlookupd). */
class ToNsqAndNsqTailTest {
    @TempDir
    Path data;
    final List<Nsqd> nodes = new ArrayList<>();
    Nsqlookupd lookupd;

    @BeforeEach
    void start() throws Exception {
        lookupd = Local.lookupd();
        for (int i = 0; i < 2; i++) {
            Path d = Files.createDirectories(data.resolve("n" + i));
            nodes.add(Local.nsqd(d, o -> o.lookupdTcpAddresses.add("127.0.0.1:" + lookupd.tcpPort())));
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (Nsqd n : nodes) Local.sync(n.stop());
        Local.sync(lookupd.stop());
    }

    @Test
    void toNsqPublishesEveryNonEmptyLineToEveryNsqd() throws Exception {
        String topic = Local.topic("tonsq");
        ToolRun run = new ToolRun("one\ntwo\n\nthree");
        int code = run.run(ToNsq::run, "--topic=" + topic, "--nsqd-tcp-address=" + Local.tcp(nodes.get(0)),
                "--nsqd-tcp-address", Local.tcp(nodes.get(1)));
        assertEquals(0, code, run.err());
        assertEquals(3, Local.topicMessageCount(nodes.get(0), topic));
        assertEquals(3, Local.topicMessageCount(nodes.get(1), topic));
    }

    @Test
    void toNsqSplitsOnTheGivenDelimiterAndHonoursRate() throws Exception {
        String topic = Local.topic("delim");
        ToolRun run = new ToolRun("a,b,c,d,e");
        long t0 = System.nanoTime();
        assertEquals(0, run.run(ToNsq::run, "--topic=" + topic, "--nsqd-tcp-address=" + Local.tcp(nodes.get(0)),
                "--delimiter=,", "--rate=20"), run.err());
        // five messages at 20/s take at least four intervals of 50 ms
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(200));
        assertEquals(5, Local.topicMessageCount(nodes.get(0), topic));
    }

    @Test
    void toNsqWithoutTopicExitsWithAnError() throws Exception {
        ToolRun run = new ToolRun("");
        assertEquals(1, run.run(ToNsq::run, "--nsqd-tcp-address=127.0.0.1:1"));
        assertTrue(run.err().contains("--topic required"), run.err());
    }

    @Test
    void nsqTailPrintsNMessagesWithTheirTopicAndExits() throws Exception {
        String topic = Local.topic("tail");
        ToolRun run = new ToolRun("");
        Future<Integer> tail = run.start(NsqTail::run, "--topic=" + topic, "--nsqd-tcp-address=" + Local.tcp(nodes.get(0)),
                "--n=3", "--print-topic");
        try (Producer p = new Producer(Local.tcp(nodes.get(0)), new ClientConfig())) {
            // the ephemeral channel exists once nsq_tail subscribed
            await().atMost(Duration.ofSeconds(10)).until(() -> Local.getJson(nodes.get(0).httpPort(),
                    "/stats?format=json&topic=" + topic).path("topics").path(0).path("channels").size() == 1);
            for (String s : List.of("x", "y", "z", "w")) p.publish(topic, s.getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
        }
        assertEquals(0, tail.get(20, TimeUnit.SECONDS));
        assertEquals(topic + " | x\n" + topic + " | y\n" + topic + " | z\n", run.out());
    }

    @Test
    void nsqTailFindsEveryNsqdThroughLookupdAndStopsOnInterrupt() throws Exception {
        String topic = Local.topic("tail_lkp");
        for (int i = 0; i < 2; i++) {
            ToolRun pub = new ToolRun("from" + i + "\n");
            assertEquals(0, pub.run(ToNsq::run, "--topic=" + topic, "--nsqd-tcp-address=" + Local.tcp(nodes.get(i))));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Local.getJson(lookupd.httpPort(), "/lookup?topic=" + topic)
                .path("producers").size() == 2);
        ToolRun run = new ToolRun("");
        Future<Integer> tail = run.start(NsqTail::run, "--topic=" + topic, "--channel=tail_lkp",
                "--lookupd-http-address=127.0.0.1:" + lookupd.httpPort());
        await().atMost(Duration.ofSeconds(10)).until(() -> run.out().lines().count() == 2);
        assertEquals(List.of("from0", "from1"), run.out().lines().sorted().toList());
        run.interrupt.complete(null);
        assertEquals(0, tail.get(20, TimeUnit.SECONDS));
    }
}
