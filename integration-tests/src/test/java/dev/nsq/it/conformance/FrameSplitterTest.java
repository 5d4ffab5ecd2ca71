package dev.nsq.it.conformance;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameSplitterTest {
    private static byte[] v2Frame(int type, String data) {
        byte[] d = ByteExpr.utf8(data);
        return ByteBuffer.allocate(8 + d.length).putInt(4 + d.length).putInt(type).put(d).array();
    }

    private static byte[] message(long ts, int attempts, String id, String body) {
        byte[] b = ByteExpr.utf8(body);
        ByteBuffer buf = ByteBuffer.allocate(8 + 26 + b.length).putInt(4 + 26 + b.length).putInt(2);
        return buf.putLong(ts).putShort((short) attempts).put(ByteExpr.utf8(id)).put(b).array();
    }

    @Test
    void framesArriveWholeWhenFedOneByteAtATime() {
        FrameSplitter s = new FrameSplitter("c", false);
        byte[] wire = v2Frame(0, "OK");
        List<Frame> got = new ArrayList<>();
        for (byte b : wire) {
            got.addAll(s.feed(new byte[] {b}));
        }
        assertEquals(1, got.size());
        assertEquals("response", got.get(0).kind());
        assertArrayEquals(ByteExpr.utf8("OK"), got.get(0).data());
        assertEquals(0, s.pending().length);
    }

    @Test
    void severalFramesInOneBufferKeepTheirOrderAndLeaveTheRestPending() {
        FrameSplitter s = new FrameSplitter("c", false);
        byte[] a = v2Frame(1, "E_INVALID x");
        byte[] b = message(1_700_000_000_000_000_000L, 3, "0123456789abcdef", "hi");
        byte[] all = ByteBuffer.allocate(a.length + b.length + 2).put(a).put(b).put((byte) 0).put((byte) 0).array();
        List<Frame> got = s.feed(all);
        assertEquals(2, got.size());
        assertEquals("error frame \"E_INVALID x\"", got.get(0).describe());
        Frame m = got.get(1);
        assertEquals("message(attempts=3, id=\"0123456789abcdef\", body=\"hi\")", m.describe());
        assertEquals(1_700_000_000_000_000_000L, m.timestampNanos());
        assertEquals(2, s.pending().length);
    }

    @Test
    void heartbeatsAndUnknownTypesAreRecognised() {
        FrameSplitter s = new FrameSplitter("c", false);
        List<Frame> got = s.feed(ByteBuffer.allocate(30).put(v2Frame(0, "_heartbeat_")).put(v2Frame(7, "")).array());
        assertTrue(got.get(0).isHeartbeat());
        assertEquals("unknown(7)", got.get(1).kind());
    }

    @Test
    void lookupdFramesHaveNoType() {
        FrameSplitter s = new FrameSplitter("l", true);
        List<Frame> got = s.feed(new byte[] {0, 0, 0, 2, 'O', 'K', 0, 0, 0, 0});
        assertEquals("frame \"OK\"", got.get(0).describe());
        assertEquals("frame \"\"", got.get(1).describe());
    }

    @Test
    void impossibleSizeStopsParsing() {
        FrameSplitter s = new FrameSplitter("c", false);
        assertNull(s.error());
        assertEquals(0, s.feed(new byte[] {0, 0, 0, 3, 0, 0, 0}).size());
        assertEquals("invalid frame size 3 on c", s.error());
    }
}
