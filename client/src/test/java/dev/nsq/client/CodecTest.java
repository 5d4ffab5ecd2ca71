package dev.nsq.client;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Command bytes and frame splitting, without a network. */
class CodecTest {
    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    @Test
    void commandsAreEncodedAsNsqReadsThem() {
        Buffer b = Buffer.buffer();
        Commands.pub(b, "t", bytes("hi"));
        assertArrayEquals(new byte[]{'P', 'U', 'B', ' ', 't', '\n', 0, 0, 0, 2, 'h', 'i'}, b.getBytes());
        b = Buffer.buffer();
        Commands.mpub(b, "t", List.of(bytes("a"), bytes("bc")));
        assertArrayEquals(new byte[]{'M', 'P', 'U', 'B', ' ', 't', '\n', 0, 0, 0, 15, 0, 0, 0, 2,
                0, 0, 0, 1, 'a', 0, 0, 0, 2, 'b', 'c'}, b.getBytes());
        b = Buffer.buffer();
        Commands.dpub(b, "t", 1500, bytes("x"));
        assertEquals("DPUB t 1500\n", b.getString(0, 12));
        b = Buffer.buffer();
        byte[] id = bytes("0123456789abcdef");
        Commands.req(b, id, 250);
        Commands.fin(b, id);
        Commands.touch(b, id);
        Commands.rdy(b, 7);
        Commands.sub(b, "t", "c");
        Commands.nop(b);
        Commands.cls(b);
        assertEquals("REQ 0123456789abcdef 250\nFIN 0123456789abcdef\nTOUCH 0123456789abcdef\nRDY 7\nSUB t c\nNOP\nCLS\n",
                b.toString(StandardCharsets.US_ASCII));
    }

    private static Buffer frame(int type, String data) {
        byte[] d = bytes(data);
        return Buffer.buffer().appendInt(4 + d.length).appendInt(type).appendBytes(d);
    }

    @Test
    void framesSplitAcrossReadsOneByteAtATimeAreReassembled() {
        Buffer all = frame(0, "OK").appendBuffer(frame(1, "E_INVALID x")).appendBuffer(frame(0, ""));
        List<String> got = new ArrayList<>();
        FrameParser p = new FrameParser(1024, (type, data) -> got.add(type + ":" + data.toString(StandardCharsets.UTF_8)));
        for (int i = 0; i < all.length(); i++) p.feed(all.getBuffer(i, i + 1));
        assertEquals(List.of("0:OK", "1:E_INVALID x", "0:"), got);
        got.clear();
        p.feed(all);
        assertEquals(3, got.size());
    }

    @Test
    void aSuspendedParserHoldsWhatFollowsTheFrameUntilResumed() {
        Buffer all = frame(0, "{\"snappy\":true}").appendBytes(bytes("compressed...")).appendBytes(bytes("more"));
        List<String> got = new ArrayList<>();
        FrameParser[] p = new FrameParser[1];
        p[0] = new FrameParser(1024, (type, data) -> {
            got.add(data.toString(StandardCharsets.UTF_8));
            p[0].suspend(); // an upgrade: the rest is not frames for this parser
        });
        p[0].feed(all.getBuffer(0, all.length() - 4));
        p[0].feed(all.getBuffer(all.length() - 4, all.length())); // a later read while suspended
        assertEquals(List.of("{\"snappy\":true}"), got);
        assertEquals("compressed...more", p[0].resume().toString(StandardCharsets.UTF_8));
        assertNull(p[0].resume());
    }

    @Test
    void aBadFrameSizeIsRejected() {
        FrameParser p = new FrameParser(16, (t, d) -> {});
        assertThrows(IllegalStateException.class, () -> p.feed(Buffer.buffer().appendInt(1000).appendInt(0)));
        assertThrows(IllegalStateException.class, () -> p.feed(Buffer.buffer().appendInt(2).appendInt(0)));
    }

    @Test
    void aMessageFrameIsDecodedFieldByField() {
        Buffer data = Buffer.buffer().appendLong(1_700_000_000_000_000_000L).appendUnsignedShort(65535)
                .appendBytes(bytes("0123456789abcdef")).appendBytes(bytes("body"));
        Message m = Message.decode(data, "h:1", null);
        assertEquals(1_700_000_000_000_000_000L, m.timestampNs());
        assertEquals(65535, m.attempts());
        assertEquals("0123456789abcdef", m.id());
        assertEquals("body", new String(m.body(), StandardCharsets.UTF_8));
    }

    @Test
    void errorFramesForFinReqTouchAreTheOnlyNonFatalOnes() {
        assertEquals(false, NsqConnection.parseError("E_FIN_FAILED FIN x failed").isFatal());
        assertEquals(true, NsqConnection.parseError("E_BAD_TOPIC PUB topic name \"a b\" is not valid").isFatal());
        assertEquals("E_BAD_TOPIC", NsqConnection.parseError("E_BAD_TOPIC PUB topic").code());
    }
}
