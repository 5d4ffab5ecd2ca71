package dev.nsq.nsqlookupd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nsq.nsqlookupd.support.LookupWire;
import dev.nsq.nsqlookupd.support.TestLookupd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.nsq.nsqlookupd.support.TestLookupd.JSON;
import static dev.nsq.nsqlookupd.support.TestLookupd.texts;
import static dev.nsq.nsqlookupd.support.TestLookupd.unique;
import static org.junit.jupiter.api.Assertions.*;

/** Every HTTP route of nsqlookupd: success, each error's status and message, and NSQ's envelope. */
class HttpApiTest {
    private static final String V1 = "nsq; version=1.0";
    TestLookupd lookupd;
    String topic;

    @BeforeEach
    void start() throws Exception {
        lookupd = new TestLookupd();
        topic = unique("t");
    }

    @AfterEach
    void stop() throws Exception { lookupd.close(); }

    private static void assertError(HttpResponse<String> r, int status, String message) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("{\"message\":\"" + message + "\"}", r.body());
        assertEquals(V1, r.headers().firstValue("X-NSQ-Content-Type").orElse(null));
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    }

    private static void assertEmptyOk(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("", r.body());
        assertEquals(V1, r.headers().firstValue("X-NSQ-Content-Type").orElse(null));
    }

    private static void assertJsonOk(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(V1, r.headers().firstValue("X-NSQ-Content-Type").orElse(null));
        assertEquals("application/json; charset=utf-8", r.headers().firstValue("Content-Type").orElse(null));
    }

    private List<String> topics() throws Exception { return texts(lookupd.getJson("/topics").path("topics")); }

    private List<String> channels(String t) throws Exception {
        return texts(lookupd.getJson("/channels?topic=" + t).path("channels"));
    }

    @Test
    void pingIsPlainOkWithoutTheNsqHeader() throws Exception {
        HttpResponse<String> r = lookupd.get("/ping");
        assertEquals(200, r.statusCode());
        assertEquals("OK", r.body());
        assertTrue(r.headers().firstValue("X-NSQ-Content-Type").isEmpty());
    }

    @Test
    void infoGivesTheVersion() throws Exception {
        HttpResponse<String> r = lookupd.get("/info");
        assertJsonOk(r);
        assertEquals("{\"version\":\"1.3.0\"}", r.body());
    }

    @ParameterizedTest
    @CsvSource({
            "GET, /nope, 404, NOT_FOUND",
            "POST, /topic/nope, 404, NOT_FOUND",
            "GET, /topic/create, 405, METHOD_NOT_ALLOWED",
            "GET, /topic/delete, 405, METHOD_NOT_ALLOWED",
            "GET, /topic/tombstone, 405, METHOD_NOT_ALLOWED",
            "GET, /channel/create, 405, METHOD_NOT_ALLOWED",
            "GET, /channel/delete, 405, METHOD_NOT_ALLOWED",
            "POST, /lookup, 405, METHOD_NOT_ALLOWED",
            "POST, /topics, 405, METHOD_NOT_ALLOWED",
            "PUT, /nodes, 405, METHOD_NOT_ALLOWED",
            "DELETE, /ping, 405, METHOD_NOT_ALLOWED"})
    void unknownPathsAndWrongMethodsGetNsqErrors(String method, String path, int status, String message) throws Exception {
        assertError(lookupd.send(method, path), status, message);
    }

    @Test
    void headPingIsMethodNotAllowed() throws Exception {
        HttpResponse<String> r = lookupd.send("HEAD", "/ping");
        assertEquals(405, r.statusCode());
        assertEquals(V1, r.headers().firstValue("X-NSQ-Content-Type").orElse(null));
    }

    @ParameterizedTest
    @CsvSource({"/lookup?topic=%zz", "/channels?topic=x%4", "/lookup?a=%zz&topic=x", "/channels?topic=a;b", "/lookup?topic=a&b;c"})
    void unparsableQueryIsAnInvalidRequest(String target) throws Exception {
        // NSQ's NewReqParams fails on url.ParseQuery's error (bad escape; ';' since Go 1.17)
        String[] r = lookupd.raw("GET", target);
        assertEquals("400", r[0]);
        assertEquals("{\"message\":\"INVALID_REQUEST\"}", r[1]);
        assertEquals("400", lookupd.raw("POST", target.replace("/lookup?", "/topic/create?").replace("/channels?", "/channel/delete?"))[0]);
    }

    @Test
    void escapedQueryValuesAreDecoded() throws Exception {
        assertEquals(200, lookupd.post("/channel/create?topic=" + topic + "&channel=e%23ephemeral").statusCode());
        assertEquals("{\"channels\":[\"e#ephemeral\"]}", lookupd.get("/channels?topic=" + topic.replace("-", "%2D")).body());
    }

    @Test
    void lookupErrors() throws Exception {
        assertError(lookupd.get("/lookup"), 400, "MISSING_ARG_TOPIC");
        assertError(lookupd.get("/lookup?topic=" + topic), 404, "TOPIC_NOT_FOUND");
        assertError(lookupd.get("/lookup?topic=bad!name"), 404, "TOPIC_NOT_FOUND");
    }

    @Test
    void lookupOfATopicWithoutProducersGivesEmptyLists() throws Exception {
        assertEmptyOk(lookupd.post("/topic/create?topic=" + topic));
        HttpResponse<String> r = lookupd.get("/lookup?topic=" + topic);
        assertJsonOk(r);
        assertEquals("{\"channels\":[],\"producers\":[]}", r.body());
    }

    @Test
    void topicsAndChannelsList() throws Exception {
        assertJsonOk(lookupd.get("/topics"));
        assertFalse(topics().contains(topic));
        assertEmptyOk(lookupd.post("/channel/create?topic=" + topic + "&channel=a"));
        assertEmptyOk(lookupd.post("/channel/create?topic=" + topic + "&channel=b"));
        assertTrue(topics().contains(topic));
        HttpResponse<String> r = lookupd.get("/channels?topic=" + topic);
        assertJsonOk(r);
        assertEquals("{\"channels\":[\"a\",\"b\"]}", r.body());
        assertEquals("{\"channels\":[]}", lookupd.get("/channels?topic=" + unique("none")).body());
        assertError(lookupd.get("/channels"), 400, "MISSING_ARG_TOPIC");
    }

    @Test
    void nodesListsIdentifiedPeersWithTheirTopicsAndTombstones() throws Exception {
        String n = unique("n");
        String other = unique("t");
        LookupWire c = lookupd.producer(n, 4150, 4151);
        lookupd.producer(unique("idle"), 4250, 4251); // identified, nothing registered
        assertEquals("OK", c.call("REGISTER " + topic + " ch"));
        assertEquals("OK", c.call("REGISTER " + other));

        HttpResponse<String> r = lookupd.get("/nodes");
        assertJsonOk(r);
        assertEquals(2, JSON.readTree(r.body()).path("producers").size());
        JsonNode node = lookupd.node(n);
        assertEquals(Set.of("remote_address", "hostname", "broadcast_address", "tcp_port", "http_port", "version",
                "tombstones", "topics"), fieldNames(node));
        assertEquals(Set.of(topic, other), new HashSet<>(texts(node.path("topics"))));
        assertEquals("[false,false]", node.path("tombstones").toString());
        assertEquals(4150, node.path("tcp_port").asInt());
        assertEquals(4151, node.path("http_port").asInt());
    }

    @Test
    void debugListsEveryRegistrationWithItsProducers() throws Exception {
        String n = unique("n");
        LookupWire c = lookupd.producer(n, 4150, 4151);
        assertEquals("OK", c.call("REGISTER " + topic + " ch"));
        long before = System.currentTimeMillis() * 1_000_000L;

        HttpResponse<String> r = lookupd.get("/debug");
        assertJsonOk(r);
        JsonNode debug = JSON.readTree(r.body());
        assertTrue(debug.has("client::"));
        assertEquals(1, debug.path("channel:" + topic + ":ch").size());
        JsonNode e = debug.path("topic:" + topic + ":").path(0);
        assertEquals(Set.of("id", "hostname", "broadcast_address", "tcp_port", "http_port", "version", "last_update",
                "tombstoned", "tombstoned_at"), fieldNames(e));
        assertTrue(e.path("id").asText().startsWith("127.0.0.1:"));
        assertEquals("host-" + n, e.path("hostname").asText());
        assertEquals(n, e.path("broadcast_address").asText());
        assertEquals(4150, e.path("tcp_port").asInt());
        assertEquals(4151, e.path("http_port").asInt());
        assertEquals("1.3.0", e.path("version").asText());
        assertFalse(e.path("tombstoned").asBoolean());
        assertEquals(-6795364578871345152L, e.path("tombstoned_at").asLong(), "Go's zero time.Time in UnixNano");
        long lastUpdate = e.path("last_update").asLong();
        assertTrue(Math.abs(before - lastUpdate) < 60_000_000_000L, "last_update is wall-clock ns: " + lastUpdate);

        assertEmptyOk(lookupd.post("/topic/tombstone?topic=" + topic + "&node=" + n + ":4151"));
        JsonNode t = lookupd.getJson("/debug").path("topic:" + topic + ":").path(0);
        assertTrue(t.path("tombstoned").asBoolean());
        assertTrue(t.path("tombstoned_at").asLong() >= before - 1_000_000_000L);
        assertFalse(lookupd.getJson("/debug").path("channel:" + topic + ":ch").path(0).path("tombstoned").asBoolean(),
                "a tombstone is for the topic registration only");
    }

    @Test
    void debugOmitsRegistrationsWithoutProducers() throws Exception {
        assertEmptyOk(lookupd.post("/topic/create?topic=" + topic));
        assertFalse(lookupd.getJson("/debug").has("topic:" + topic + ":"));
    }

    @Test
    void topicCreateAddsATopicAndChecksItsName() throws Exception {
        assertError(lookupd.post("/topic/create"), 400, "MISSING_ARG_TOPIC");
        assertError(lookupd.post("/topic/create?topic=bad!name"), 400, "INVALID_ARG_TOPIC");
        assertError(lookupd.post("/topic/create?topic="), 400, "INVALID_ARG_TOPIC");
        assertEmptyOk(lookupd.post("/topic/create?topic=" + topic));
        assertEmptyOk(lookupd.post("/topic/create?topic=" + topic));
        assertEquals(1, topics().stream().filter(topic::equals).count());
        assertEquals(List.of(), channels(topic));
    }

    @ParameterizedTest
    @CsvSource({
            "/channel/create, '', MISSING_ARG_TOPIC",
            "/channel/create, ?topic=bad!t&channel=c, INVALID_ARG_TOPIC",
            "/channel/create, ?topic=t, MISSING_ARG_CHANNEL",
            "/channel/create, ?topic=t&channel=bad!c, INVALID_ARG_CHANNEL",
            "/channel/delete, ?channel=c, MISSING_ARG_TOPIC",
            "/channel/delete, ?topic=&channel=c, INVALID_ARG_TOPIC",
            "/channel/delete, ?topic=t, MISSING_ARG_CHANNEL",
            "/channel/delete, ?topic=t&channel=, INVALID_ARG_CHANNEL"})
    void channelRoutesCheckBothArguments(String path, String query, String message) throws Exception {
        assertError(lookupd.post(path + query), 400, message);
    }

    @Test
    void channelCreateAddsTheChannelAndItsTopic() throws Exception {
        assertEmptyOk(lookupd.post("/channel/create?topic=" + topic + "&channel=ch"));
        assertTrue(topics().contains(topic));
        assertEquals(List.of("ch"), channels(topic));
        assertEquals("{\"channels\":[\"ch\"],\"producers\":[]}", lookupd.get("/lookup?topic=" + topic).body());
    }

    @Test
    void channelDeleteRemovesOnlyThatChannelAnd404sForAnUnknownOne() throws Exception {
        assertEmptyOk(lookupd.post("/channel/create?topic=" + topic + "&channel=a"));
        assertEmptyOk(lookupd.post("/channel/create?topic=" + topic + "&channel=b"));
        assertError(lookupd.post("/channel/delete?topic=" + topic + "&channel=zz"), 404, "CHANNEL_NOT_FOUND");
        assertEmptyOk(lookupd.post("/channel/delete?topic=" + topic + "&channel=a"));
        assertEquals(List.of("b"), channels(topic));
        assertTrue(topics().contains(topic));
        assertError(lookupd.post("/channel/delete?topic=" + topic + "&channel=a"), 404, "CHANNEL_NOT_FOUND");
    }

    @Test
    void channelDeleteDropsTheRegistrationEvenWithProducers() throws Exception {
        LookupWire c = lookupd.producer(unique("n"), 4150, 4151);
        assertEquals("OK", c.call("REGISTER " + topic + " ch"));
        assertEmptyOk(lookupd.post("/channel/delete?topic=" + topic + "&channel=ch"));
        assertEquals(List.of(), channels(topic));
        assertEquals(1, lookupd.lookupProducers(topic).size(), "the topic registration is untouched");
    }

    @Test
    void topicDeleteRemovesTheTopicAndItsChannels() throws Exception {
        String other = unique("t");
        String n = unique("n");
        LookupWire c = lookupd.producer(n, 4150, 4151);
        assertEquals("OK", c.call("REGISTER " + topic + " a"));
        assertEquals("OK", c.call("REGISTER " + other + " a"));
        assertEmptyOk(lookupd.post("/channel/create?topic=" + topic + "&channel=b"));

        assertError(lookupd.post("/topic/delete"), 400, "MISSING_ARG_TOPIC");
        assertEmptyOk(lookupd.post("/topic/delete?topic=" + topic));
        assertFalse(topics().contains(topic));
        assertEquals(List.of(), channels(topic));
        assertError(lookupd.get("/lookup?topic=" + topic), 404, "TOPIC_NOT_FOUND");
        assertEquals(List.of("a"), channels(other));
        assertTrue(topics().contains(other));
        assertEquals(List.of(other), texts(lookupd.node(n).path("topics")),
                "the producer no longer lists the deleted topic");
        assertEmptyOk(lookupd.post("/topic/delete?topic=" + unique("never")));
    }

    @Test
    void topicTombstoneChecksItsArgumentsAndIgnoresAnUnknownNode() throws Exception {
        assertError(lookupd.post("/topic/tombstone"), 400, "MISSING_ARG_TOPIC");
        assertError(lookupd.post("/topic/tombstone?node=h:1"), 400, "MISSING_ARG_TOPIC");
        assertError(lookupd.post("/topic/tombstone?topic=" + topic), 400, "MISSING_ARG_NODE");
        String n = unique("n");
        LookupWire c = lookupd.producer(n, 4150, 4151);
        assertEquals("OK", c.call("REGISTER " + topic));
        assertEmptyOk(lookupd.post("/topic/tombstone?topic=" + topic + "&node=" + n + ":4150")); // the TCP port: no match
        assertEmptyOk(lookupd.post("/topic/tombstone?topic=" + unique("none") + "&node=" + n + ":4151"));
        assertEquals(List.of(n), lookupd.lookupProducers(topic));
    }

    private static Set<String> fieldNames(JsonNode n) {
        Set<String> out = new HashSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
