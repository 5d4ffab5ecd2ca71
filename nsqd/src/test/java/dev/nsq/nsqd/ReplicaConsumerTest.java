package dev.nsq.nsqd;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A follower's channel held by its {@link ReplicaConsumer}, in memory, with time passed in: the
 * leader's FINs and deferrals take effect here, and a promotion hands back everything unfinished.
 */
class ReplicaConsumerTest {
    private final NsqdOptions options = new NsqdOptions();
    private final List<Runnable> later = new ArrayList<>();

    private Channel channel() { return new Channel("t", "c", options, null); }

    private ReplicaConsumer following(Channel ch) {
        ReplicaConsumer[] rc = new ReplicaConsumer[1];
        rc[0] = new ReplicaConsumer(() -> later.add(() -> rc[0].finishPending(ch)));
        assertNull(ch.addClient(rc[0]));
        ch.clientReady();
        return rc[0];
    }

    private static List<Message> msgs(long firstId, int n) {
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(new Message(firstId + i, 1, ("m" + (firstId + i)).getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    private void runLater() {
        List<Runnable> now = new ArrayList<>(later);
        later.clear();
        now.forEach(Runnable::run);
    }

    @Test
    void aFollowerHoldsEveryMessageUntilTheLeaderFinishesIt() {
        Channel ch = channel();
        ReplicaConsumer rc = following(ch);
        ch.put(msgs(1, 3));
        assertEquals(3, ch.inFlightCount());
        rc.finish(ch, 2);
        assertEquals(2, ch.inFlightCount());
        assertEquals(0, ch.processTimeouts(System.nanoTime() + TimeUnit.DAYS.toNanos(30)), "held messages never time out");
    }

    @Test
    void aFinishThatArrivesBeforeItsMessageIsAppliedWhenTheMessageComes() {
        Channel ch = channel();
        ReplicaConsumer rc = following(ch);
        rc.finish(ch, 7);
        ch.put(msgs(7, 1));
        runLater();
        assertEquals(0, ch.inFlightCount());
        assertEquals(0, ch.depth());
    }

    @Test
    void messagesBeyondTheWindowWaitInTheQueue() {
        Channel ch = channel();
        following(ch);
        ch.put(msgs(1, ReplicaConsumer.WINDOW + 5));
        assertEquals(ReplicaConsumer.WINDOW, ch.inFlightCount());
        assertEquals(5, ch.memoryDepth());
    }

    @Test
    void aDeferralByTheLeaderDefersTheMessageHereForTheSameTime() {
        Channel ch = channel();
        ReplicaConsumer rc = following(ch);
        ch.put(msgs(1, 1));
        rc.defer(ch, 1, 60_000);
        assertEquals(0, ch.inFlightCount());
        assertEquals(1, ch.deferredCount());
        assertEquals(0, ch.processTimeouts(System.nanoTime() + TimeUnit.SECONDS.toNanos(59)));
        assertEquals(1, ch.processTimeouts(System.nanoTime() + TimeUnit.SECONDS.toNanos(61)));
        assertEquals(1, ch.inFlightCount(), "due again, it is held again");
    }

    @Test
    void onPromotionEveryUnfinishedMessageGoesBackToTheQueueForDelivery() {
        Channel ch = channel();
        ReplicaConsumer rc = following(ch);
        ch.put(msgs(1, 4));
        rc.finish(ch, 1);
        ch.removeClient(rc);
        assertEquals(0, ch.inFlightCount());
        assertEquals(3, ch.memoryDepth());
        MemoryConsumer c = new MemoryConsumer();
        assertNull(c.subscribe(ch));
        c.ready(10);
        assertEquals(List.of("m2", "m3", "m4"), c.bodies().stream().sorted().toList());
    }
}
