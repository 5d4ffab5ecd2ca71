package dev.nsq.nsqd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.nsqd.support.TestNsqd;
import dev.nsq.nsqd.support.Upgrades;
import dev.nsq.nsqd.support.WireClient;
import dev.nsq.nsqd.support.WireClient.Frame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/** IDENTIFY's snappy and deflate upgrades on the wire, with library codecs on the client side. */
class CompressionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;
    TestNsqd nsqd;
    final String topic = "c" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void stop() throws Exception { if (nsqd != null) nsqd.close(); }

    private void start(Consumer<NsqdOptions> tweak) throws Exception { nsqd = new TestNsqd(dir, tweak); }

    /** Sends IDENTIFY with feature negotiation and returns the JSON answer (read in plain text). */
    private JsonNode identify(WireClient c, String features) throws Exception {
        c.cmd("IDENTIFY", "{\"feature_negotiation\":true" + features + "}");
        Frame f = c.read();
        assertEquals(0, f.type(), f.toString());
        return JSON.readTree(f.data());
    }


    @Test
    void snappyAnswersOkInSnappyFramingThenCarriesPubAndSub() throws Exception {
        start(o -> {});
        try (WireClient c = nsqd.connect()) {
            JsonNode r = identify(c, ",\"snappy\":true");
            assertTrue(r.get("snappy").asBoolean());
            assertFalse(r.get("deflate").asBoolean());
            assertFalse(r.get("tls_v1").asBoolean());
            Upgrades.snappy(c);
            Frame ok = c.read();
            assertEquals(0, ok.type());
            assertEquals("OK", ok.text());
            Upgrades.roundTrip(c, topic, 300);
        }
    }

    @Test
    void deflateAnswersOkCompressedAtTheCappedLevelThenCarriesPubAndSub() throws Exception {
        start(o -> {});
        try (WireClient c = nsqd.connect()) {
            JsonNode r = identify(c, ",\"deflate\":true,\"deflate_level\":9");
            assertTrue(r.get("deflate").asBoolean());
            assertEquals(6, r.get("deflate_level").asInt(), "capped to --max-deflate-level");
            assertEquals(6, r.get("max_deflate_level").asInt());
            assertFalse(r.get("snappy").asBoolean());
            Upgrades.deflate(c, 6);
            Frame ok = c.read();
            assertEquals(0, ok.type());
            assertEquals("OK", ok.text());
            Upgrades.roundTrip(c, topic, 300);
        }
    }

    @Test
    void deflateLevelDefaultsToSixAndAnAllowedLevelIsKept() throws Exception {
        start(o -> o.maxDeflateLevel = 9);
        try (WireClient c = nsqd.connect()) {
            assertEquals(6, identify(c, ",\"deflate\":true").get("deflate_level").asInt());
        }
        try (WireClient c = nsqd.connect()) {
            assertEquals(9, identify(c, ",\"deflate\":true,\"deflate_level\":9").get("deflate_level").asInt());
            Upgrades.deflate(c, 9);
            assertEquals("OK", c.read().text());
            Upgrades.roundTrip(c, topic, 20);
        }
    }

    @Test
    void askingForBothCompressionsIsRefused() throws Exception {
        start(o -> {});
        try (WireClient c = nsqd.connect()) {
            c.cmd("IDENTIFY", "{\"feature_negotiation\":true,\"snappy\":true,\"deflate\":true}");
            Frame f = c.read();
            assertEquals(1, f.type());
            assertEquals("E_IDENTIFY_FAILED cannot enable both deflate and snappy compression", f.text());
            assertTrue(c.closedWithin(2000));
        }
    }

    @Test
    void disabledCompressionIsAnsweredFalseAndTheConnectionStaysPlain() throws Exception {
        start(o -> {
            o.snappy = false;
            o.deflate = false;
        });
        try (WireClient c = nsqd.connect()) {
            JsonNode r = identify(c, ",\"snappy\":true");
            assertFalse(r.get("snappy").asBoolean());
            Upgrades.roundTrip(c, topic, 3);
        }
        try (WireClient c = nsqd.connect()) {
            JsonNode r = identify(c, ",\"deflate\":true,\"deflate_level\":3");
            assertFalse(r.get("deflate").asBoolean());
            assertEquals(6, r.get("deflate_level").asInt(), "NSQ reports 6 when deflate is not negotiated");
            c.cmd("NOP");
            c.cmd("PUB " + topic, "plain");
            assertEquals("OK", c.read().text());
        }
    }

    @Test
    void statsShowTheNegotiatedCompression() throws Exception {
        start(o -> {});
        try (WireClient c = nsqd.connect()) {
            identify(c, ",\"snappy\":true");
            Upgrades.snappy(c);
            assertEquals("OK", c.read().text());
            c.cmd("SUB " + topic + " ch");
            assertEquals("OK", c.read().text());
            JsonNode client = JSON.readTree(nsqd.get("/stats?format=json&topic=" + topic).body())
                    .path("topics").path(0).path("channels").path(0).path("clients").path(0);
            assertTrue(client.get("snappy").asBoolean());
            assertFalse(client.get("deflate").asBoolean());
        }
    }
}
