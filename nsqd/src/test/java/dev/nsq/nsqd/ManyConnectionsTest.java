package dev.nsq.nsqd;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.nsqd.support.TestNsqd;
import dev.nsq.nsqd.support.WireClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** 1,000 client connections held open at once, every one of them able to publish. */
class ManyConnectionsTest {
    private static final int CONNECTIONS = 1_000;
    @TempDir Path dir;

    @Test
    void aThousandConcurrentConnectionsEachPublish() throws Exception {
        try (TestNsqd nsqd = new TestNsqd(dir, o -> { })) {
            List<WireClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    WireClient c = nsqd.connect();
                    c.cmd("IDENTIFY", ("{\"client_id\":\"conn-" + i + "\"}").getBytes());
                    clients.add(c);
                }
                for (WireClient c : clients) assertEquals("OK", c.readSkippingHeartbeats(10_000).text());
                assertEquals(CONNECTIONS, nsqd.nsqd.clients().size(), "all held at once");
                // every connection publishes while all the others stay open
                for (int i = 0; i < CONNECTIONS; i++) clients.get(i).cmd("PUB many", ("from-" + i).getBytes());
                for (WireClient c : clients) assertEquals("OK", c.readSkippingHeartbeats(10_000).text());
                var topic = new ObjectMapper().readTree(nsqd.get("/stats?format=json&topic=many").body()).path("topics").path(0);
                assertEquals(CONNECTIONS, topic.path("message_count").asInt());
                System.out.printf("ManyConnectionsTest: %d connections held, %d messages published through them%n",
                        nsqd.nsqd.clients().size(), topic.path("message_count").asInt());
            } finally {
                for (WireClient c : clients) c.close();
            }
        }
    }
}
