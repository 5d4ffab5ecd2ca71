package dev.nsq.tools;

import dev.nsq.client.ClientConfig;
import dev.nsq.client.Producer;
import dev.nsq.protocol.flags.FlagSet;
import io.vertx.core.Vertx;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code bench_writer}: MPUBs batches of {@code --size}-byte messages for {@code --runfor} over one
 * connection per core, then prints NSQ's summary line. Unlike NSQ's, each connection keeps
 * {@code --pipeline} MPUBs in flight instead of waiting for each reply. The first 8 bytes of every
 * body carry the send time (epoch ns) for bench_reader's latency line. {@code --rate} (ours) paces
 * the batches to a total messages/s, for latency at a set load.
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
                .bool("help", false, "print usage", v -> help[0] = v);
        if (!io.parse(f, help, args)) return help[0] ? 0 : 1;
        if (size[0] < 1 || batchSize[0] < 1 || connections[0] < 1 || pipeline[0] < 1) {
            io.err.println("--size, --batch-size, --connections and --pipeline must be positive");
            return 1;
        }
        ClientConfig cfg = new ClientConfig();
        cfg.publishWindow = (int) pipeline[0];
        Vertx vertx = Vertx.vertx();
        List<Producer> producers = new ArrayList<>();
        for (int i = 0; i < connections[0]; i++) producers.add(new Producer(vertx, addr[0], cfg));
        AtomicLong sent = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();

        Bench.awaitDeadline(deadline[0]);
        long start = System.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(runfor[0]);
        List<Thread> threads = new ArrayList<>();
        for (Producer p : producers) {
            double perConnection = rate[0] / (double) connections[0];
            Thread t = new Thread(() -> write(p, topic[0], (int) size[0], (int) batchSize[0], (int) pipeline[0], perConnection,
                    start, end, sent, failure),
                    "bench-writer-" + threads.size());
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join();
        long duration = System.nanoTime() - start;
        for (Producer p : producers) p.stop().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (failure.get() != null) {
            io.err.println("FATAL: " + failure.get().getMessage());
            return 1;
        }
        io.out.println(Bench.summary(duration, sent.get(), size[0]));
        io.out.flush();
        return 0;
    }

    private static void write(Producer p, String topic, int size, int batchSize, int pipeline, double ratePerSecond,
                              long start, long end, AtomicLong sent, AtomicReference<Throwable> failure) {
        long nsPerBatch = ratePerSecond > 0 ? (long) (batchSize * 1e9 / ratePerSecond) : 0;
        long batches = 0;
        Semaphore window = new Semaphore(pipeline);
        byte[][] bodies = new byte[batchSize][];
        for (int i = 0; i < batchSize; i++) {
            bodies[i] = new byte[size];
            Arrays.fill(bodies[i], (byte) 'a');
        }
        List<byte[]> batch = Arrays.asList(bodies);
        try {
            if (pipeline == 1 && nsPerBatch == 0) {
                chain(p, topic, batch, size, end, sent, failure);
                return;
            }
            while (System.nanoTime() < end && failure.get() == null) {
                if (nsPerBatch > 0) { // paced: batch n leaves at start + n * interval
                    long due = start + batches++ * nsPerBatch;
                    for (long wait; (wait = due - System.nanoTime()) > 0; ) java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    if (System.nanoTime() >= end) break;
                }
                window.acquire();
                stamp(batch, size);
                // the batch is encoded before multiPublish returns, so the arrays can be reused
                p.multiPublish(topic, batch).whenComplete((v, e) -> {
                    if (e != null) failure.compareAndSet(null, e);
                    else sent.addAndGet(batchSize);
                    window.release();
                });
            }
            window.acquire(pipeline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The send time (epoch ns) in the first 8 bytes of every body, for bench_reader's latency line. */
    private static void stamp(List<byte[]> batch, int size) {
        if (size < 8) return;
        long now = Bench.epochNanos();
        for (byte[] b : batch) ByteBuffer.wrap(b).putLong(0, now);
    }

    /**
     * One MPUB at a time, each sent from the previous one's reply on the client's event loop (as a
     * go-nsq publisher waits in its goroutine): the round trip without a thread hand-off per reply.
     */
    private static void chain(Producer p, String topic, List<byte[]> batch, int size, long end,
                              AtomicLong sent, AtomicReference<Throwable> failure) throws InterruptedException {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            if (System.nanoTime() >= end || failure.get() != null) {
                done.countDown();
                return;
            }
            stamp(batch, size);
            p.multiPublish(topic, batch).whenComplete((v, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                    done.countDown();
                    return;
                }
                sent.addAndGet(batch.size());
                next[0].run();
            });
        };
        next[0].run();
        done.await();
    }
}
