package dev.nsq.nsqlookupd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nsq.nsqlookupd.support.LookupWire;
import dev.nsq.nsqlookupd.support.TestLookupd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.nsq.nsqlookupd.support.TestLookupd.texts;
import static dev.nsq.nsqlookupd.support.TestLookupd.unique;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

/** What REGISTER, UNREGISTER and a disconnect do to the registry, as the HTTP API shows it. */
class RegistrationsTest {
    TestLookupd lookupd;
    String topic;

    @BeforeEach
    void start() throws Exception {
        lookupd = new TestLookupd();
        topic = unique("t");
    }

    @AfterEach
    void stop() throws Exception { lookupd.close(); }

    private List<String> channels(String t) throws Exception {
        return texts(lookupd.getJson("/channels?topic=" + t).path("channels"));
    }

    private List<String> topics() throws Exception { return texts(lookupd.getJson("/topics").path("topics")); }

    /** broadcast_address of each producer /debug lists under the key. */
    private List<String> debugProducers(String key) throws Exception {
        List<String> out = new ArrayList<>();
        lookupd.getJson("/debug").path(key).forEach(e -> out.add(e.path("broadcast_address").asText()));
        return out;
    }

    @Test
    void registeredTopicAndChannelShowInLookupTopicsChannelsAndNodes() throws Exception {
        String n = unique("n");
        LookupWire c = lookupd.producer(n, 4150, 4151);
        assertEquals("OK", c.call("REGISTER " + topic + " ch"));

        JsonNode lookup = lookupd.getJson("/lookup?topic=" + topic);
        assertEquals(List.of("ch"), texts(lookup.path("channels")));
        JsonNode p = lookup.path("producers").path(0);
        assertEquals(1, lookup.path("producers").size());
        assertEquals(n, p.path("broadcast_address").asText());
        assertEquals("host-" + n, p.path("hostname").asText());
        assertEquals(4150, p.path("tcp_port").asInt());
        assertEquals(4151, p.path("http_port").asInt());
        assertEquals("1.3.0", p.path("version").asText());
        assertTrue(p.path("remote_address").asText().startsWith("127.0.0.1:"));

        assertTrue(topics().contains(topic));
        assertEquals(List.of("ch"), channels(topic));
        JsonNode node = lookupd.node(n);
        assertNotNull(node);
        assertEquals(List.of(topic), texts(node.path("topics")));
        assertEquals("[false]", node.path("tombstones").toString());
        assertEquals(p.path("remote_address"), node.path("remote_address"));
    }

    @Test
    void registeringTwiceKeepsOneProducer() throws Exception {
        LookupWire c = lookupd.producer(unique("n"), 4150, 4151);
        assertEquals("OK", c.call("REGISTER " + topic + " ch"));
        assertEquals("OK", c.call("REGISTER " + topic + " ch"));
        assertEquals("OK", c.call("REGISTER " + topic));
        assertEquals(1, lookupd.lookupProducers(topic).size());
        assertEquals(1, debugProducers("channel:" + topic + ":ch").size());
    }

    @Test
    void unregisteringTheLastProducerOfAnEphemeralChannelDropsItWhileANormalChannelStays() throws Exception {
        String n = unique("n");
        LookupWire c = lookupd.producer(n, 4150, 4151);
        assertEquals("OK", c.call("REGISTER " + topic + " keep"));
        assertEquals("OK", c.call("REGISTER " + topic + " tmp#ephemeral"));
        assertEquals(List.of("keep", "tmp#ephemeral"), channels(topic));

        assertEquals("OK", c.call("UNREGISTER " + topic + " keep"));
        assertEquals("OK", c.call("UNREGISTER " + topic + " tmp#ephemeral"));
        assertEquals(List.of("keep"), channels(topic));
        assertEquals(List.of(), debugProducers("channel:" + topic + ":keep"));
        assertEquals(List.of(n), lookupd.lookupProducers(topic), "the topic registration is untouched");
    }

    @Test
    void ephemeralChannelStaysWhileAnotherProducerHasIt() throws Exception {
        LookupWire a = lookupd.producer(unique("a"), 4150, 4151);
        LookupWire b = lookupd.producer(unique("b"), 4250, 4251);
        assertEquals("OK", a.call("REGISTER " + topic + " e#ephemeral"));
        assertEquals("OK", b.call("REGISTER " + topic + " e#ephemeral"));
        assertEquals("OK", a.call("UNREGISTER " + topic + " e#ephemeral"));
        assertEquals(List.of("e#ephemeral"), channels(topic));
        assertEquals("OK", b.call("UNREGISTER " + topic + " e#ephemeral"));
        assertEquals(List.of(), channels(topic));
    }

    @Test
    void unregisteringAnEphemeralChannelWithNoProducersDropsItEvenIfThePeerNeverHadIt() throws Exception {
        // NSQ's RemoveProducer reports how many producers are left whether or not the peer was one
        assertEquals(200, lookupd.post("/channel/create?topic=" + topic + "&channel=e%23ephemeral").statusCode());
        assertEquals(List.of("e#ephemeral"), channels(topic));
        LookupWire c = lookupd.producer(unique("n"), 4150, 4151);
        assertEquals("OK", c.call("UNREGISTER " + topic + " e#ephemeral"));
        assertEquals(List.of(), channels(topic));
    }

    @Test
    void topicUnregisterAlsoTakesTheProducerOutOfTheTopicsChannels() throws Exception {
        String a = unique("a");
        String b = unique("b");
        LookupWire ca = lookupd.producer(a, 4150, 4151);
        LookupWire cb = lookupd.producer(b, 4250, 4251);
        assertEquals("OK", ca.call("REGISTER " + topic + " ch"));
        assertEquals("OK", cb.call("REGISTER " + topic + " ch"));

        assertEquals("OK", ca.call("UNREGISTER " + topic));
        assertEquals(List.of(b), debugProducers("channel:" + topic + ":ch"));
        assertEquals(List.of(b), debugProducers("topic:" + topic + ":"));
        assertEquals(List.of(b), lookupd.lookupProducers(topic));
        assertEquals(List.of(), texts(lookupd.node(a).path("topics")));

        assertEquals("OK", cb.call("UNREGISTER " + topic));
        assertEquals(List.of("ch"), channels(topic), "a normal channel outlives its producers");
        assertTrue(topics().contains(topic), "a normal topic outlives its producers");
        assertEquals(200, lookupd.get("/lookup?topic=" + topic).statusCode());
        assertEquals(List.of(), lookupd.lookupProducers(topic));
    }

    @Test
    void ephemeralTopicDisappearsWhenItsLastProducerUnregisters() throws Exception {
        String eph = unique("e") + "#ephemeral";
        LookupWire a = lookupd.producer(unique("a"), 4150, 4151);
        LookupWire b = lookupd.producer(unique("b"), 4250, 4251);
        assertEquals("OK", a.call("REGISTER " + eph));
        assertEquals("OK", b.call("REGISTER " + eph));
        assertEquals("OK", a.call("UNREGISTER " + eph));
        assertTrue(topics().contains(eph));
        assertEquals("OK", b.call("UNREGISTER " + eph));
        assertFalse(topics().contains(eph));
        assertEquals(404, lookupd.get("/lookup?topic=" + eph.replace("#", "%23")).statusCode());
    }

    @Test
    void disconnectRemovesTheProducerEverywhereButLeavesTheRegistrations() throws Exception {
        String gone = unique("gone");
        String stays = unique("stays");
        LookupWire g = lookupd.producer(gone, 4150, 4151);
        LookupWire s = lookupd.producer(stays, 4250, 4251);
        assertEquals("OK", g.call("REGISTER " + topic + " ch"));
        assertEquals("OK", g.call("REGISTER " + topic + " e#ephemeral"));
        String only = unique("only");
        assertEquals("OK", g.call("REGISTER " + only));
        assertEquals("OK", s.call("REGISTER " + topic));

        g.close();
        await().until(() -> lookupd.node(gone) == null);
        assertEquals(List.of(stays), lookupd.lookupProducers(topic));
        assertEquals(List.of(), lookupd.lookupProducers(only));
        assertEquals(List.of(), debugProducers("channel:" + topic + ":ch"));
        assertFalse(lookupd.getJson("/debug").toString().contains(gone), "in no registration, client included");
        assertTrue(topics().containsAll(List.of(topic, only)));
        assertEquals(List.of("ch", "e#ephemeral"), channels(topic), "a disconnect drops no registration, ephemeral or not");
        assertNotNull(lookupd.node(stays));
    }
}
