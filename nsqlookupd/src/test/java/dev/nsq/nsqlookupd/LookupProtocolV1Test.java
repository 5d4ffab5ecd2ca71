package dev.nsq.nsqlookupd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nsq.nsqlookupd.support.LookupWire;
import dev.nsq.nsqlookupd.support.TestLookupd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static dev.nsq.nsqlookupd.support.TestLookupd.JSON;
import static dev.nsq.nsqlookupd.support.TestLookupd.texts;
import static dev.nsq.nsqlookupd.support.TestLookupd.unique;
import static org.junit.jupiter.api.Assertions.*;

/** The lookup protocol V1 on the wire: magic, framing, IDENTIFY, and every error closing the connection. */
class LookupProtocolV1Test {
    TestLookupd lookupd;
    String topic;

    @BeforeEach
    void start() throws Exception {
        lookupd = new TestLookupd();
        topic = unique("t");
    }

    @AfterEach
    void stop() throws Exception { lookupd.close(); }

    @Test
    void badMagicGetsBadProtocolThenTheConnectionCloses() throws Exception {
        LookupWire c = lookupd.connectRaw().send("  V2");
        byte[] reply = c.readBytes();
        assertEquals("E_BAD_PROTOCOL", new String(reply, StandardCharsets.US_ASCII));
        assertTrue(c.closedWithin(3000));
    }

    @Test
    void pingAnswersOkBeforeAndAfterIdentify() throws Exception {
        LookupWire c = lookupd.connect();
        assertEquals("OK", c.call("PING"));
        c.identify(LookupWire.peerJson(unique("n"), 4150, 4151));
        assertTrue(c.read().startsWith("{"));
        assertEquals("OK", c.call("PING"));
        assertEquals("OK", c.call("PING"));
    }

    @Test
    void identifyRepliesWithTheLookupdsOwnListeningPortsVersionAndBroadcastAddress() throws Exception {
        LookupWire c = lookupd.connect();
        c.identify(LookupWire.peerJson(unique("n"), 4150, 4151));
        String raw = c.read();
        JsonNode reply = JSON.readTree(raw);
        assertEquals(Set.of("broadcast_address", "hostname", "http_port", "tcp_port", "version"), fieldNames(reply));
        assertEquals(lookupd.tcpPort(), reply.path("tcp_port").asInt());
        assertEquals(lookupd.httpPort(), reply.path("http_port").asInt());
        assertTrue(reply.path("tcp_port").isInt() && reply.path("http_port").isInt(), "ports are JSON numbers");
        assertEquals("1.3.0", reply.path("version").asText());
        assertEquals("lookupd-under-test", reply.path("broadcast_address").asText());
        assertTrue(reply.path("hostname").isTextual() && !reply.path("hostname").asText().isEmpty());
        assertTrue(raw.startsWith("{\"broadcast_address\":"), "Go marshals a map with its keys sorted: " + raw);
    }

    @Test
    void identifySentOneByteAtATimeIsUnderstood() throws Exception {
        String n = unique("n");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes("  V1".getBytes(StandardCharsets.US_ASCII));
        all.writeBytes(LookupWire.identifyBytes(LookupWire.peerJson(n, 4150, 4151)));
        all.writeBytes(("REGISTER " + topic + " ch\nPING\n").getBytes(StandardCharsets.US_ASCII));
        LookupWire c = lookupd.connectRaw().sendByteAtATime(all.toByteArray());
        assertEquals(lookupd.tcpPort(), JSON.readTree(c.read()).path("tcp_port").asInt());
        assertEquals("OK", c.read());
        assertEquals("OK", c.read());
        assertEquals(List.of(n), lookupd.lookupProducers(topic));
    }

    @Test
    void severalCommandsInOneWriteAreAnsweredInOrder() throws Exception {
        String n = unique("n");
        String other = unique("t");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes("  V1PING\n".getBytes(StandardCharsets.US_ASCII));
        all.writeBytes(LookupWire.identifyBytes(LookupWire.peerJson(n, 4150, 4151)));
        all.writeBytes(("REGISTER " + topic + " ch\nREGISTER " + other + "\nUNREGISTER " + other + "\nPING\n")
                .getBytes(StandardCharsets.US_ASCII));
        LookupWire c = lookupd.connectRaw().send(all.toByteArray());
        assertEquals("OK", c.read());
        assertEquals(lookupd.httpPort(), JSON.readTree(c.read()).path("http_port").asInt());
        for (int i = 0; i < 4; i++) assertEquals("OK", c.read(), "reply " + i);
        assertEquals(List.of(n), lookupd.lookupProducers(topic));
        assertEquals(List.of("ch"), texts(lookupd.getJson("/channels?topic=" + topic).path("channels")));
        assertEquals(List.of(), lookupd.lookupProducers(other));
    }

    @Test
    void secondIdentifyIsFatal() throws Exception {
        LookupWire c = lookupd.producer(unique("n"), 4150, 4151);
        c.identify(LookupWire.peerJson(unique("n"), 4150, 4151));
        assertEquals("E_INVALID cannot IDENTIFY again", c.readFatal());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"tcp_port\":1,\"http_port\":2,\"version\":\"1.3.0\"}",
            "{\"broadcast_address\":\"\",\"tcp_port\":1,\"http_port\":2,\"version\":\"1.3.0\"}",
            "{\"broadcast_address\":\"b\",\"http_port\":2,\"version\":\"1.3.0\"}",
            "{\"broadcast_address\":\"b\",\"tcp_port\":1,\"version\":\"1.3.0\"}",
            "{\"broadcast_address\":\"b\",\"tcp_port\":1,\"http_port\":2}",
            "{}",
            "null"})
    void identifyWithoutARequiredFieldIsFatal(String body) throws Exception {
        LookupWire c = lookupd.connect().identify(body);
        assertEquals("E_BAD_BODY IDENTIFY missing fields", c.readFatal());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{not json", "[1,2]", "{\"broadcast_address\":\"b\",\"tcp_port\":\"1\",\"http_port\":2,\"version\":\"v\"}"})
    void identifyWhoseBodyIsNotThePeerJsonIsFatal(String body) throws Exception {
        LookupWire c = lookupd.connect().identify(body);
        assertEquals("E_BAD_BODY IDENTIFY failed to decode JSON body", c.readFatal());
    }

    @Test
    void identifyWithoutHostnameAndWithUnknownFieldsIsAccepted() throws Exception {
        LookupWire c = lookupd.connect().identify("{\"broadcast_address\":\"b\",\"tcp_port\":1,\"http_port\":2,\"version\":\"v\",\"extra\":[1]}");
        assertEquals(lookupd.tcpPort(), JSON.readTree(c.read()).path("tcp_port").asInt());
        assertEquals("OK", c.call("PING"));
    }

    /** Columns: identified first?, the line sent, the error NSQ answers before closing. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "false | REGISTER t1           | E_INVALID client must IDENTIFY",
            "false | UNREGISTER t1 c       | E_INVALID client must IDENTIFY",
            "false | REGISTER bad!topic    | E_INVALID client must IDENTIFY",
            "true  | REGISTER              | E_INVALID REGISTER insufficient number of params",
            "true  | UNREGISTER            | E_INVALID UNREGISTER insufficient number of params",
            "true  | REGISTER bad!topic    | E_BAD_TOPIC REGISTER topic name 'bad!topic' is not valid",
            "true  | UNREGISTER bad!topic  | E_BAD_TOPIC UNREGISTER topic name 'bad!topic' is not valid",
            "true  | REGISTER t1 bad!chan  | E_BAD_CHANNEL REGISTER channel name 'bad!chan' is not valid",
            "true  | UNREGISTER t1 bad!chan | E_BAD_CHANNEL UNREGISTER channel name 'bad!chan' is not valid",
            "true  | REGISTER t1 #ephemeral | E_BAD_CHANNEL REGISTER channel name '#ephemeral' is not valid",
            "false | FOO bar               | E_INVALID invalid command FOO",
            "true  | ping                  | E_INVALID invalid command ping",
            "true  | SUB t1 c              | E_INVALID invalid command SUB"})
    void everyErrorIsSentThenTheConnectionCloses(boolean identified, String line, String expected) throws Exception {
        LookupWire c = identified ? lookupd.producer(unique("n"), 4150, 4151) : lookupd.connect();
        c.cmd(line);
        assertEquals(expected, c.readFatal());
    }

    @Test
    void emptyLineIsAnInvalidCommand() throws Exception {
        LookupWire c = lookupd.connect().send("\n");
        assertEquals("E_INVALID invalid command ", c.readFatal());
    }

    @Test
    void linesAreTrimmedOfSurroundingWhitespace() throws Exception {
        LookupWire c = lookupd.producer(unique("n"), 4150, 4151);
        assertEquals("OK", c.call("  PING\t"));
        assertEquals("OK", c.call("REGISTER " + topic + " ch\r"));
        assertEquals(List.of("ch"), texts(lookupd.getJson("/channels?topic=" + topic).path("channels")));
    }

    @Test
    void aLineLongerThanTheLimitIsFatal() throws Exception {
        // NSQ reads lines without a limit; ours (64 KiB) ends the connection with an error instead
        LookupWire c = lookupd.connect().send("REGISTER " + "x".repeat(LookupProtocolV1.MAX_LINE + 1));
        assertEquals("E_INVALID line too long", c.readFatal());
    }

    @Test
    void negativeIdentifyBodySizeIsFatal() throws Exception {
        byte[] head = "IDENTIFY\n".getBytes(StandardCharsets.US_ASCII);
        LookupWire c = lookupd.connect().send(head).send(ByteBuffer.allocate(4).putInt(-1).array());
        assertTrue(c.readFatal().startsWith("E_BAD_BODY IDENTIFY failed to read body"));
    }

    @Test
    void anotherClientIsUnaffectedByAPeersFatalError() throws Exception {
        String good = unique("good");
        LookupWire ok = lookupd.producer(good, 4150, 4151);
        assertEquals("OK", ok.call("REGISTER " + topic + " ch"));
        LookupWire bad = lookupd.producer(unique("bad"), 4250, 4251);
        assertEquals("OK", bad.call("REGISTER " + topic));
        bad.cmd("REGISTER bad!topic");
        assertTrue(bad.readFatal().startsWith("E_BAD_TOPIC"));

        assertEquals("OK", ok.call("PING"));
        assertEquals("OK", ok.call("REGISTER " + topic + " ch2"));
        org.awaitility.Awaitility.await().until(() -> lookupd.lookupProducers(topic).equals(List.of(good)));
        assertEquals(List.of("ch", "ch2"), texts(lookupd.getJson("/channels?topic=" + topic).path("channels")));
    }

    private static Set<String> fieldNames(JsonNode n) {
        Set<String> out = new java.util.HashSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
