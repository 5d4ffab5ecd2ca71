package dev.nsq.judge;

import com.sproutsocial.nsq.Client;
import com.sproutsocial.nsq.MessageDataHandler;
import com.sproutsocial.nsq.Publisher;
import com.sproutsocial.nsq.Subscriber;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The compose test's judge: nsq-j, not our client, publishes and consumes, so a fault shared by our
 * daemons and our client cannot hide itself.
 * <pre>
 * pub NSQD_TCP TOPIC COUNT PREFIX          COUNT bodies PREFIX-0.., MPUB batches of 100, each acknowledged
 * sub LOOKUPD_HTTP[,..] TOPIC CHANNEL EXPECT IDLE_S
 *                                          consumes (found through lookupd) until EXPECT distinct
 *                                          bodies, or IDLE_S seconds without a new one
 * </pre>
 * Prints one line of counts ({@code published=N}, {@code distinct=D deliveries=T}); the script judges.
 */
public final class NsqjJudge {
    private NsqjJudge() {}

    public static void main(String[] args) throws Exception {
        switch (args.length > 0 ? args[0] : "") {
            case "pub" -> pub(args[1], args[2], Integer.parseInt(args[3]), args[4]);
            case "sub" -> sub(args[1].split(","), args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            default -> {
                System.err.println("usage: pub NSQD_TCP TOPIC COUNT PREFIX | sub LOOKUPD_HTTP[,..] TOPIC CHANNEL EXPECT IDLE_S");
                System.exit(2);
            }
        }
        System.exit(0); // nsq-j's threads are not daemons
    }

    private static void pub(String nsqd, String topic, int count, String prefix) {
        Client client = new Client();
        Publisher p = new Publisher(client, nsqd, null);
        int sent = 0;
        while (sent < count) {
            List<byte[]> batch = new ArrayList<>();
            for (int i = 0; i < 100 && sent + i < count; i++) batch.add((prefix + "-" + (sent + i)).getBytes(StandardCharsets.UTF_8));
            p.publish(topic, batch); // returns once nsqd answered OK
            sent += batch.size();
        }
        p.stop();
        client.stop();
        System.out.println("published=" + sent);
    }

    private static void sub(String[] lookupds, String topic, String channel, int expect, int idleSeconds) throws Exception {
        Set<String> bodies = ConcurrentHashMap.newKeySet();
        AtomicInteger deliveries = new AtomicInteger();
        AtomicLong lastNew = new AtomicLong(System.nanoTime());
        Client client = new Client();
        Subscriber s = new Subscriber(client, 1, 100, lookupds);
        s.subscribe(topic, channel, (MessageDataHandler) data -> {
            deliveries.incrementAndGet();
            if (bodies.add(new String(data, StandardCharsets.UTF_8))) lastNew.set(System.nanoTime());
        });
        while (bodies.size() < expect && System.nanoTime() - lastNew.get() < idleSeconds * 1_000_000_000L) Thread.sleep(100);
        s.stop();
        client.stop();
        System.out.println("distinct=" + bodies.size() + " deliveries=" + deliveries.get());
    }
}
