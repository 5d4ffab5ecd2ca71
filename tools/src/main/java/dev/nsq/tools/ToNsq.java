package dev.nsq.tools;

import dev.nsq.client.ClientConfig;
import dev.nsq.client.Producer;
import dev.nsq.daemon.flags.FlagSet;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code to_nsq}: publishes each delimited chunk of stdin (a line by default) to a topic on every
 * given nsqd. Publishes are pipelined; an nsqd rejecting one ends the tool with exit code 1.
 */
public final class ToNsq {
    /** Publishes allowed in flight per nsqd before reading more of stdin. */
    private static final int MAX_OUTSTANDING = 1_000;

    private ToNsq() {}

    public static void main(String[] args) { ToolMain.exec(ToNsq::run, args); }

    public static int run(ToolMain io, String[] args) throws Exception {
        String[] topic = {""};
        String[] delimiter = {"\n"};
        long[] rate = {0};
        List<String> addrs = new ArrayList<>();
        List<String> opts = new ArrayList<>();
        boolean[] help = {false};
        FlagSet f = new FlagSet("to_nsq")
                .string("topic", "", "NSQ topic to publish to", v -> topic[0] = v)
                .string("delimiter", "\n", "character to split input from stdin", v -> delimiter[0] = v)
                .list("nsqd-tcp-address", "destination nsqd TCP address (may be given multiple times)", addrs::add)
                .list("producer-opt", "option to passthrough to nsq.Producer (may be given multiple times)", opts::add)
                .integer("rate", 0, "Throttle messages per second", v -> rate[0] = v)
                .bool("help", false, "print usage", v -> help[0] = v);
        if (!io.parse(f, help, args)) return help[0] ? 0 : 1;
        if (topic[0].isEmpty()) { io.err.println("--topic required"); return 1; }
        if (addrs.isEmpty()) { io.err.println("--nsqd-tcp-address required"); return 1; }
        if (delimiter[0].length() != 1) { io.err.println("--delimiter must be a single byte"); return 1; }
        ClientConfig cfg = new ClientConfig();
        ToolMain.applyOpts(cfg, opts);

        List<Producer> producers = new ArrayList<>();
        for (String a : addrs) producers.add(new Producer(a, cfg));
        Semaphore outstanding = new Semaphore(MAX_OUTSTANDING * producers.size());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        byte delim = (byte) delimiter[0].charAt(0);
        long intervalNs = rate[0] > 0 ? 1_000_000_000L / rate[0] : 0;
        long next = System.nanoTime();
        try (InputStream in = new BufferedInputStream(io.in, 65536)) {
            byte[] chunk;
            while (failure.get() == null && !io.interrupt.isDone() && (chunk = readChunk(in, delim)) != null) {
                if (chunk.length == 0) continue; // nsqd refuses empty messages
                if (intervalNs > 0) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
                    next = Math.max(next + intervalNs, System.nanoTime() - intervalNs);
                }
                for (Producer p : producers) {
                    outstanding.acquire();
                    p.publish(topic[0], chunk).whenComplete((v, e) -> {
                        if (e != null) failure.compareAndSet(null, e);
                        outstanding.release();
                    });
                }
            }
        }
        outstanding.acquire(MAX_OUTSTANDING * producers.size());
        for (Producer p : producers) p.stop().get(10, TimeUnit.SECONDS);
        if (failure.get() != null) {
            io.err.println("FATAL: failed to publish - " + failure.get().getMessage());
            return 1;
        }
        return 0;
    }

    /** The next chunk without its delimiter; null at end of input. A last chunk without delimiter counts. */
    static byte[] readChunk(InputStream in, byte delim) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(256);
        int c;
        boolean any = false;
        while ((c = in.read()) >= 0) {
            any = true;
            if (c == (delim & 0xff)) return b.toByteArray();
            b.write(c);
        }
        return any ? b.toByteArray() : null;
    }
}
