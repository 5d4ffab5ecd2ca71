package dev.nsq.tools;

import dev.nsq.client.ClientConfig;
import dev.nsq.client.Producer;
import dev.nsq.daemon.flags.FlagSet;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code bench_writer}: MPUBs batches of {@code --size}-byte messages for {@code --runfor} over one
 * connection per core, then prints NSQ's summary line. Unlike NSQ's, each connection keeps
 * {@code --pipeline} MPUBs in flight instead of waiting for each reply. The first 8 bytes of every
 * body carry the send time (epoch ns) for bench_reader's latency line. {@code --rate} (ours) paces
 * the batches to a total messages/s, for latency at a set load; {@code --warmup} (ours) publishes
 * that long first, unstamped and uncounted, so the JIT compilers of all three JVMs are done before
 * anything is measured.
 */
public final class BenchWriter {
    private BenchWriter() {}

    public static void main(String[] args) { ToolMain.exec(BenchWriter::run, args); }

    public static int run(ToolMain io, String[] args) throws Exception {
        long[] runfor = {10_000};
        String[] addr = {"127.0.0.1:4150"};
        long[] size = {200};
        long[] batchSize = {200};
        String[] topic = {"sub_bench"};
        String[] deadline = {""};
        long[] connections = {Runtime.getRuntime().availableProcessors()};
        long[] pipeline = {8};
        long[] rate = {0};
        long[] warmup = {0};
        boolean[] help = {false};
        FlagSet f = new FlagSet("bench_writer")
                .duration("runfor", 10_000, "duration of time to run", v -> runfor[0] = v)
                .string("nsqd-tcp-address", "127.0.0.1:4150", "<addr>:<port> to connect to nsqd", v -> addr[0] = v)
                .integer("size", 200, "size of messages", v -> size[0] = v)
                .integer("batch-size", 200, "batch size of messages", v -> batchSize[0] = v)
                .string("topic", "sub_bench", "topic to receive messages on", v -> topic[0] = v)
                .string("deadline", "", "deadline to start the benchmark run", v -> deadline[0] = v)
                .integer("connections", connections[0], "connections to nsqd (NSQ uses GOMAXPROCS)", v -> connections[0] = v)
                .integer("pipeline", 8, "MPUBs in flight per connection", v -> pipeline[0] = v)
                .integer("rate", 0, "messages per second in all (0: as fast as possible)", v -> rate[0] = v)
                .duration("warmup", 0, "publish this long before --runfor starts, unmeasured", v -> warmup[0] = v)
                .bool("help", false, "print usage", v -> help[0] = v);
        if (!io.parse(f, help, args)) return help[0] ? 0 : 1;
        if (size[0] < 1 || batchSize[0] < 1 || connections[0] < 1 || pipeline[0] < 1) {
            io.err.println("--size, --batch-size, --connections and --pipeline must be positive");
            return 1;
        }
        ClientConfig cfg = new ClientConfig();
        cfg.publishWindow = (int) pipeline[0];
        Vertx vertx = ToolMain.vertx();
        // each producer lives on its own event-loop context, so a paced writer can publish from its timer there
        List<Producer> producers = new ArrayList<>();
        List<ContextInternal> contexts = new ArrayList<>();
        for (int i = 0; i < connections[0]; i++) {
            ContextInternal ctx = (ContextInternal) vertx.getOrCreateContext();
            contexts.add(ctx);
            producers.add(ctx.<Producer>executeBlocking(() -> new Producer(vertx, addr[0], cfg), false)
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        }

        Bench.awaitDeadline(deadline[0]);
        long begin = System.nanoTime();
        Run run = new Run(begin + TimeUnit.MILLISECONDS.toNanos(warmup[0]),
                begin + TimeUnit.MILLISECONDS.toNanos(warmup[0] + runfor[0]));
        List<Thread> threads = new ArrayList<>();
        CountDownLatch paced = new CountDownLatch(rate[0] > 0 ? producers.size() : 0);
        for (int i = 0; i < producers.size(); i++) {
            Producer p = producers.get(i);
            Batch b = new Batch((int) size[0], (int) batchSize[0]);
            if (rate[0] > 0) {
                long nsPerBatch = (long) (batchSize[0] * 1e9 * connections[0] / rate[0]);
                ContextInternal ctx = contexts.get(i);
                ctx.runOnContext(v -> new PacedWriter(ctx, p, topic[0], b, (int) pipeline[0], nsPerBatch,
                        begin, run, paced::countDown).tick());
                continue;
            }
            Thread t = new Thread(() -> write(p, topic[0], b, (int) pipeline[0], run), "bench-writer-" + threads.size());
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join();
        paced.await();
        long duration = System.nanoTime() - run.measureFrom;
        for (Producer p : producers) p.stop().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (run.failure.get() != null) {
            io.err.println("FATAL: " + run.failure.get().getMessage());
            return 1;
        }
        io.out.println(Bench.summary(duration, run.sent.get(), size[0]));
        io.out.flush();
        return 0;
    }

    /** When the measured part of a run starts and ends, and what it counted. Shared by the connections. */
    static final class Run {
        final long measureFrom;
        final long end;
        final AtomicLong sent = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Run(long measureFrom, long end) {
            this.measureFrom = measureFrom;
            this.end = end;
        }

        boolean over(long now) { return now >= end || failure.get() != null; }

        /** A reply to a batch of {@code n}; only batches sent after the warm-up count. */
        void answered(int n, boolean measured, Throwable e) {
            if (e != null) failure.compareAndSet(null, e);
            else if (measured) sent.addAndGet(n);
        }
    }

    private static void write(Producer p, String topic, Batch b, int pipeline, Run run) {
        Semaphore window = new Semaphore(pipeline);
        try {
            if (pipeline == 1) {
                chain(p, topic, b, run);
                return;
            }
            while (!run.over(System.nanoTime())) {
                window.acquire();
                boolean measured = b.stamp(run);
                // the batch is encoded before multiPublish returns, so the arrays can be reused
                p.multiPublish(topic, b.bodies).whenComplete((v, e) -> {
                    run.answered(b.bodies.size(), measured, e);
                    window.release();
                });
            }
            window.acquire(pipeline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One connection's reusable bodies; the first 8 bytes carry the send time (epoch ns) for bench_reader. */
    static final class Batch {
        final List<byte[]> bodies;
        private final int size;

        Batch(int size, int count) {
            this.size = size;
            byte[][] b = new byte[count][];
            for (int i = 0; i < count; i++) {
                b[i] = new byte[size];
                Arrays.fill(b[i], (byte) 'a');
            }
            bodies = Arrays.asList(b);
        }

        /** Stamps the send time, or 0 during the warm-up (bench_reader leaves those out); true once measuring. */
        boolean stamp(Run run) {
            boolean measured = System.nanoTime() >= run.measureFrom;
            if (size < 8) return measured;
            long stamp = measured ? Bench.epochNanos() : 0;
            for (byte[] b : bodies) ByteBuffer.wrap(b).putLong(0, stamp);
            return measured;
        }
    }

    /**
     * One MPUB at a time, each sent from the previous one's reply on the client's event loop (as a
     * go-nsq publisher waits in its goroutine): the round trip without a thread hand-off per reply.
     */
    private static void chain(Producer p, String topic, Batch batch, Run run) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            if (run.over(System.nanoTime())) {
                done.countDown();
                return;
            }
            boolean measured = batch.stamp(run);
            p.multiPublish(topic, batch.bodies).whenComplete((v, e) -> {
                run.answered(batch.bodies.size(), measured, e);
                if (e != null) done.countDown();
                else next[0].run();
            });
        };
        next[0].run();
        done.await();
    }
}
