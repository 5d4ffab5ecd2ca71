package dev.nsq.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CommandReaderTest {
    /** Records lines; a PUB line asks for a sized body, as the V2 protocol does. */
    static class Recorder implements CommandReader.LineHandler {
        final List<String> events = new ArrayList<>();
        CommandReader reader;
        boolean tooLong;

        @Override
        public void onLine(List<String> parts) {
            events.add(String.join("|", parts));
            if (parts.get(0).equals("PUB")) {
                reader.read(4, size -> {
                    int n = size.readInt();
                    reader.read(n, body -> events.add("body:" + body.toString(StandardCharsets.UTF_8)));
                });
            }
            if (parts.get(0).equals("BAD")) throw new IllegalStateException("bad");
        }

        @Override public void onLineTooLong() { tooLong = true; }

        @Override public void onFailure(Throwable t) { events.add("fail:" + t.getMessage()); }
    }

    private static byte[] stream() {
        ByteBuf b = Unpooled.buffer();
        b.writeCharSequence("NOP\r\nSUB t  c\nPUB t\n", StandardCharsets.US_ASCII);
        b.writeInt(5);
        b.writeCharSequence("hello", StandardCharsets.US_ASCII);
        b.writeCharSequence("RDY 10\n", StandardCharsets.US_ASCII);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    private static final List<String> EXPECTED = List.of("NOP", "SUB|t||c", "PUB|t", "body:hello", "RDY|10");

    @Test
    void parsesLinesAndBodiesFedOneByteAtATime() {
        Recorder r = new Recorder();
        r.reader = new CommandReader(r, 1024);
        for (byte x : stream()) {
            ByteBuf one = Unpooled.wrappedBuffer(new byte[]{x});
            r.reader.feed(one);
            assertEquals(0, one.readerIndex(), "caller keeps ownership of its buffer");
        }
        assertEquals(EXPECTED, r.events);
    }

    @Test
    void parsesManyCommandsInOneBuffer() {
        Recorder r = new Recorder();
        r.reader = new CommandReader(r, 1024);
        r.reader.feed(Unpooled.wrappedBuffer(stream()));
        assertEquals(EXPECTED, r.events);
    }

    @Test
    void overlongLineStopsTheReader() {
        Recorder r = new Recorder();
        r.reader = new CommandReader(r, 16);
        r.reader.feed(Unpooled.wrappedBuffer("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".getBytes()));
        assertTrue(r.tooLong);
        assertTrue(r.reader.isStopped());
    }

    @Test
    void aFailingHandlerIsToldAndParsingGoesOnUnlessStopped() {
        Recorder r = new Recorder();
        r.reader = new CommandReader(r, 1024);
        r.reader.feed(Unpooled.wrappedBuffer("BAD\nNOP\n".getBytes()));
        assertEquals(List.of("BAD", "fail:bad", "NOP"), r.events);
    }

    @Test
    void pausedReaderHoldsBytesUntilResumed() {
        Recorder r = new Recorder();
        r.reader = new CommandReader(r, 1024);
        r.reader.pause();
        r.reader.feed(Unpooled.wrappedBuffer("NOP\n".getBytes()));
        assertTrue(r.events.isEmpty());
        r.reader.resume();
        assertEquals(List.of("NOP"), r.events);
    }

    @Test
    void aRawLineHandlerTakesItsLinesBeforeTheyBecomeStrings() {
        List<String> raw = new ArrayList<>();
        Recorder r = new Recorder() {
            @Override
            public boolean onRawLine(ByteBuf line, int start, int end) {
                if (line.getByte(start) != 'R') return false;
                raw.add(line.toString(start, end - start, StandardCharsets.US_ASCII));
                return true;
            }
        };
        r.reader = new CommandReader(r, 1024);
        r.reader.feed(Unpooled.wrappedBuffer(stream()));
        assertEquals(List.of("RDY 10"), raw);
        assertEquals(List.of("NOP", "SUB|t||c", "PUB|t", "body:hello"), r.events);
    }

    @Test
    void messageIdsParseTheSameFromBytesAndFromABuffer() {
        for (String id : List.of("0123456789abcdef", "ffffffffffffffff", "0000000000000000", "0123456789ABCDEF", "0123456789abcde", "012345678-abcdef")) {
            ByteBuf b = Unpooled.copiedBuffer("FIN " + id + "\n", StandardCharsets.US_ASCII);
            byte[] raw = id.getBytes(StandardCharsets.US_ASCII);
            assertEquals(MessageId.parse(raw, 0, raw.length), MessageId.parse(b, 4, raw.length), id);
        }
        assertNotEquals(MessageId.INVALID, MessageId.parse(Unpooled.copiedBuffer("0123456789abcdef", StandardCharsets.US_ASCII), 0, 16));
    }
}
