package dev.nsq.tools;

import dev.nsq.client.ClientConfig;
import dev.nsq.client.Consumer;
import dev.nsq.daemon.flags.FlagSet;
import io.vertx.core.Vertx;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench_reader}: consumes {@code --topic}/{@code --channel} for {@code --runfor} with one
 * connection per core at RDY {@code --rdy} each, finishing every message, then prints NSQ's summary
 * line, a second line of publish-to-receive latency percentiles (from bench_writer's timestamps) and
 * a third splitting them at nsqd's own message timestamp. Messages stamped 0 (bench_writer's
 * warm-up) are received and counted but not measured.
 */
public final class BenchReader {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private BenchReader() {}

    public static void main(String[] args) { ToolMain.exec(BenchReader::run, args); }

    public static int run(ToolMain io, String[] args) throws Exception {
        long[] runfor = {10_000};
        String[] addr = {"127.0.0.1:4150"};
        long[] size = {200};
        String[] topic = {"sub_bench"};
        String[] channel = {"ch"};
        long[] rdy = {2500};
        String[] deadline = {""};
        long[] connections = {Runtime.getRuntime().availableProcessors()};
        boolean[] help = {false};
        FlagSet f = new FlagSet("bench_reader")
                .duration("runfor", 10_000, "duration of time to run", v -> runfor[0] = v)
                .string("nsqd-tcp-address", "127.0.0.1:4150", "<addr>:<port> to connect to nsqd", v -> addr[0] = v)
                .integer("size", 200, "size of messages", v -> size[0] = v)
                .string("topic", "sub_bench", "topic to receive messages on", v -> topic[0] = v)
                .string("channel", "ch", "channel to receive messages on", v -> channel[0] = v)
                .integer("rdy", 2500, "RDY count to use", v -> rdy[0] = v)
                .string("deadline", "", "deadline to start the benchmark run", v -> deadline[0] = v)
                .integer("connections", connections[0], "connections to nsqd (NSQ uses GOMAXPROCS)", v -> connections[0] = v)
                .bool("help", false, "print usage", v -> help[0] = v);
        if (!io.parse(f, help, args)) return help[0] ? 0 : 1;
        ClientConfig cfg = new ClientConfig();
        cfg.maxInFlight = (int) rdy[0];
        cfg.maxAttempts = 0;

        Bench.awaitDeadline(deadline[0]);
        Vertx vertx = ToolMain.vertx();
        AtomicLong received = new AtomicLong();
        List<Latencies> histograms = new ArrayList<>();
        List<Consumer> consumers = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(runfor[0]);
        for (int i = 0; i < connections[0]; i++) {
            // a consumer's handler always runs on its one event loop, so its histogram needs no lock
            Latencies h = new Latencies();
            histograms.add(h);
            Consumer c = new Consumer(vertx, topic[0], channel[0], cfg).asyncHandler(m -> {
                byte[] b = m.body();
                long sent = b.length >= 8 ? ByteBuffer.wrap(b).getLong(0) : 0;
                if (sent != 0) h.record(sent, m.timestampNs(), Bench.epochNanos()); // 0: a warm-up message
                received.incrementAndGet();
                return DONE;
            });
            consumers.add(c);
            c.connectToNsqd(addr[0]).get(10, TimeUnit.SECONDS);
        }
        long wait = end - System.nanoTime();
        if (wait > 0) {
            try {
                io.interrupt.get(wait, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // ran for --runfor
            }
        }
        long count = received.get();
        long duration = System.nanoTime() - start;
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (Consumer c : consumers) stops.add(c.stop());
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(35, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Latencies all = new Latencies();
        for (Latencies h : histograms) all.merge(h);
        io.out.println(Bench.summary(duration, count, size[0]));
        io.out.println(Bench.latency(all.total));
        io.out.println(Bench.split(all));
        io.out.flush();
        return 0;
    }
}
