package dev.nsq.tools;

import dev.nsq.client.ClientConfig;
import dev.nsq.client.Consumer;
import dev.nsq.daemon.flags.FlagSet;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code nsq_tail}: prints the messages of one or more topics to stdout, one per line (optionally
 * prefixed {@code topic | }), on an ephemeral channel by default. Stops on a signal or after
 * {@code --n} messages.
 */
public final class NsqTail {
    private NsqTail() {}

    public static void main(String[] args) { ToolMain.exec(NsqTail::run, args); }

    public static int run(ToolMain io, String[] args) throws Exception {
        List<String> topics = new ArrayList<>();
        String[] channel = {""};
        List<String> nsqds = new ArrayList<>();
        List<String> lookupds = new ArrayList<>();
        long[] maxInFlight = {200};
        long[] total = {0};
        boolean[] printTopic = {false};
        List<String> opts = new ArrayList<>();
        boolean[] help = {false};
        FlagSet f = new FlagSet("nsq_tail")
                .list("topic", "NSQ topic (may be given multiple times)", topics::add)
                .string("channel", "", "NSQ channel", v -> channel[0] = v)
                .integer("max-in-flight", 200, "max number of messages to allow in flight", v -> maxInFlight[0] = v)
                .integer("n", 0, "total messages to show (will wait if starved)", v -> total[0] = v)
                .bool("print-topic", false, "print topic name where message was received", v -> printTopic[0] = v)
                .list("nsqd-tcp-address", "nsqd TCP address (may be given multiple times)", nsqds::add)
                .list("lookupd-http-address", "lookupd HTTP address (may be given multiple times)", lookupds::add)
                .list("consumer-opt", "option to passthrough to nsq.Consumer (may be given multiple times)", opts::add)
                .bool("help", false, "print usage", v -> help[0] = v);
        if (!io.parse(f, help, args)) return help[0] ? 0 : 1;
        if (channel[0].isEmpty()) channel[0] = String.format("tail%06d#ephemeral", ThreadLocalRandom.current().nextInt(1_000_000));
        if (topics.isEmpty()) { io.err.println("--topic is required"); return 1; }
        if (nsqds.isEmpty() && lookupds.isEmpty()) { io.err.println("--nsqd-tcp-address or --lookupd-http-address required"); return 1; }
        if (!nsqds.isEmpty() && !lookupds.isEmpty()) { io.err.println("use --nsqd-tcp-address or --lookupd-http-address not both"); return 1; }
        // no more in flight than we will print, as NSQ does
        if (total[0] > 0 && total[0] < maxInFlight[0]) maxInFlight[0] = total[0];

        ClientConfig cfg = new ClientConfig();
        cfg.maxInFlight = (int) maxInFlight[0];
        ToolMain.applyOpts(cfg, opts);

        Vertx vertx = ToolMain.vertx();
        AtomicLong shown = new AtomicLong();
        CompletableFuture<Void> enough = new CompletableFuture<>();
        List<Consumer> consumers = new ArrayList<>();
        try {
            for (String topic : topics) {
                Consumer c = new Consumer(vertx, topic, channel[0], cfg).handler(m -> {
                    synchronized (io.out) {
                        long n = shown.incrementAndGet();
                        if (total[0] > 0 && n > total[0]) {
                            // over the count: leave it for another consumer
                            m.requeueWithoutBackoff(0);
                            return;
                        }
                        if (printTopic[0]) io.out.print(topic + " | ");
                        io.out.write(m.body());
                        io.out.write('\n');
                        io.out.flush();
                        if (total[0] > 0 && n == total[0]) enough.complete(null);
                    }
                });
                consumers.add(c);
                for (String a : nsqds) c.connectToNsqd(a);
                for (String a : lookupds) c.connectToLookupd(a);
            }
            CompletableFuture.anyOf(enough, io.interrupt).join();
        } finally {
            for (Consumer c : consumers) c.stop().get(35, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        return 0;
    }

}
