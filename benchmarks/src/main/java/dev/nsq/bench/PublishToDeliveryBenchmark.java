package dev.nsq.bench;

import dev.nsq.nsqd.Nsqd;
import dev.nsq.nsqd.NsqdOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * nsqd's whole publish-to-delivery path in one process over loopback: an MPUB of 200 x 200-byte
 * messages goes to a topic whose channel has a consumer (RDY 2500) that FINs everything on its own
 * thread; the benchmark waits for the MPUB's OK. Scores are messages per second published while
 * being delivered (the consumer's count is printed at the end for comparison).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class PublishToDeliveryBenchmark {
    private static final int BATCH = 200;
    private Nsqd nsqd;
    private Socket producer;
    private OutputStream out;
    private DataInputStream in;
    private byte[] mpub;
    private Thread consumerThread;
    private volatile boolean running = true;
    private final AtomicLong consumed = new AtomicLong();

    @Setup(Level.Trial)
    public void start() throws Exception {
        NsqdOptions o = new NsqdOptions();
        o.tcpAddress = "127.0.0.1:0";
        o.httpAddress = "127.0.0.1:0";
        o.dataPath = Files.createTempDirectory("nsqd-bench").toString();
        o.logLevel = "warn";
        dev.nsq.daemon.logging.LogLevel.apply("warn");
        nsqd = new Nsqd(o);
        nsqd.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        int port = nsqd.tcpPort();

        Socket c = connect(port);
        OutputStream cout = c.getOutputStream();
        cout.write("SUB sub_bench ch\nRDY 2500\n".getBytes(StandardCharsets.US_ASCII));
        cout.flush();
        DataInputStream cin = new DataInputStream(new BufferedInputStream(c.getInputStream(), 1 << 16));
        consumerThread = new Thread(() -> consume(c, cin, new BufferedOutputStream(cout, 1 << 16)), "bench-consumer");
        consumerThread.start();

        producer = connect(port);
        out = producer.getOutputStream();
        in = new DataInputStream(new BufferedInputStream(producer.getInputStream()));
        byte[] body = new byte[200];
        ByteBuffer b = ByteBuffer.allocate(16 + 8 + BATCH * (4 + body.length));
        b.put("MPUB sub_bench\n".getBytes(StandardCharsets.US_ASCII)).putInt(4 + BATCH * (4 + body.length)).putInt(BATCH);
        for (int i = 0; i < BATCH; i++) b.putInt(body.length).put(body);
        mpub = java.util.Arrays.copyOf(b.array(), b.position());
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setTcpNoDelay(true);
        s.getOutputStream().write("  V2".getBytes(StandardCharsets.US_ASCII));
        return s;
    }

    /** Reads frames; FINs every message (flushed per read burst), skips responses. */
    private void consume(Socket s, DataInputStream cin, OutputStream cout) {
        byte[] fin = "FIN 0000000000000000\n".getBytes(StandardCharsets.US_ASCII);
        try {
            while (running) {
                int size = cin.readInt();
                int type = cin.readInt();
                if (type == 2) {
                    cin.skipNBytes(8 + 2);
                    cin.readFully(fin, 4, 16);
                    cin.skipNBytes(size - 4 - 26);
                    cout.write(fin);
                    consumed.incrementAndGet();
                } else {
                    byte[] data = new byte[size - 4];
                    cin.readFully(data);
                    if (type == 0 && new String(data, StandardCharsets.US_ASCII).equals("_heartbeat_")) cout.write("NOP\n".getBytes());
                }
                if (cin.available() == 0) cout.flush();
            }
        } catch (IOException e) {
            if (running) throw new IllegalStateException(e);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void mpub200AndDeliver() throws IOException {
        out.write(mpub);
        out.flush();
        int size = in.readInt();
        in.skipNBytes(size); // frame type + "OK"
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        running = false;
        producer.close();
        System.out.printf("%nconsumer finished %d messages%n", consumed.get());
        nsqd.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        consumerThread.join(5000);
    }
}
