package dev.nsq.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class FramesTest {
    @Test
    void responseFrameIsSizeTypeData() {
        ByteBuf b = Unpooled.buffer();
        Frames.writeResponse(b, Frames.OK);
        assertEquals("00000006" + "00000000" + "4f4b", ByteBufUtil.hexDump(b));
    }

    @Test
    void errorFrameCarriesCodeAndDescription() {
        ByteBuf b = Unpooled.buffer();
        Frames.writeError(b, NsqError.fatal("E_INVALID", "invalid command FOO").wireText());
        assertEquals(4 + "E_INVALID invalid command FOO".length(), b.readInt());
        assertEquals(FrameType.ERROR, b.readInt());
    }

    @Test
    void messageFrameLayoutIsExact() {
        ByteBuf b = Unpooled.buffer();
        MessageLayout.writeFrame(b, 0x0102030405060708L, 3, 0x00000000000000ffL, new byte[]{'h', 'i'});
        assertEquals(4 + 26 + 2, b.readInt());
        assertEquals(FrameType.MESSAGE, b.readInt());
        assertEquals(0x0102030405060708L, b.readLong());
        assertEquals(3, b.readUnsignedShort());
        byte[] id = new byte[16];
        b.readBytes(id);
        assertEquals("00000000000000ff", new String(id));
        assertEquals('h', b.readByte());
        assertEquals('i', b.readByte());
        assertFalse(b.isReadable());
    }
}
