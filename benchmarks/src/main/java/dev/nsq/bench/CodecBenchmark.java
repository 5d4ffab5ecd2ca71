package dev.nsq.bench;

import dev.nsq.protocol.CommandReader;
import dev.nsq.protocol.MessageId;
import dev.nsq.protocol.MessageLayout;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The wire codecs on the hot path, per message: encoding a message frame into a pooled buffer,
 * formatting and parsing a message ID, and reading an MPUB of 200 x 200-byte messages off the
 * stream the way a connection does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class CodecBenchmark {
    private final byte[] body = new byte[200];
    private long id = 0x1234_5678_9abc_def0L;
    private byte[] hexId;
    private ByteBuf mpub;
    private CommandReader reader;
    private int messages;

    @Setup
    public void setup() {
        hexId = MessageId.toHex(id).getBytes(StandardCharsets.US_ASCII);
        byte[] line = "MPUB sub_bench\n".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer cmd = ByteBuffer.allocate(line.length + 4 + 4 + 200 * 204);
        cmd.put(line).putInt(4 + 200 * 204).putInt(200);
        for (int i = 0; i < 200; i++) cmd.putInt(200).put(body);
        mpub = Unpooled.wrappedBuffer(cmd.array());
        reader = new CommandReader(new CommandReader.LineHandler() {
            @Override
            public void onLine(List<String> parts) {
                reader.read(4, size -> reader.read(size.readInt(), payload -> {
                    int n = payload.readInt();
                    for (int i = 0; i < n; i++) {
                        int len = payload.readInt();
                        payload.skipBytes(len);
                        messages++;
                    }
                }));
            }

            @Override public void onLineTooLong() { }

            @Override public void onFailure(Throwable t) { throw new IllegalStateException(t); }
        }, 16 * 1024);
    }

    @Benchmark
    public void encodeMessageFrame(Blackhole bh) {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(8 + MessageLayout.HEADER_LENGTH + body.length);
        MessageLayout.writeFrame(out, 1_700_000_000_000_000_000L, 1, id++, body);
        bh.consume(out.readableBytes());
        out.release();
    }

    @Benchmark
    public long parseMessageId() {
        return MessageId.parse(hexId, 0, MessageId.LENGTH);
    }

    /** One MPUB command of 200 messages; the score times 200 is messages per microsecond. */
    @Benchmark
    public int readMpubOf200() {
        messages = 0;
        reader.feed(mpub.duplicate()); // the reader copies what it keeps
        return messages;
    }
}
