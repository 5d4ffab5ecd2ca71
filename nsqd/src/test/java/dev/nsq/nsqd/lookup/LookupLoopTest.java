package dev.nsq.nsqd.lookup;

import dev.nsq.protocol.lookup.LookupPeerInfo;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** The lookup loop's peers are read by publishing threads while its own context changes them. */
class LookupLoopTest {
    private static boolean applied(LookupLoop loop, int expectedPeers) {
        return loop.peerCount() == expectedPeers;
    }

    @Test
    void peersCanBeReadFromOtherThreadsWhileTheyChange() throws Exception {
        Vertx vertx = Vertx.vertx();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens once closed: peers fail fast
        }
        LookupLoop loop = new LookupLoop(vertx, List::of,
                () -> new LookupPeerInfo("127.0.0.1", "test", 1, 2, "1.3.0"), 60_000);
        List<String> many = new ArrayList<>();
        for (int i = 1; i <= 16; i++) many.add("127.0.0." + i + ":" + closedPort);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean changing = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread reader = new Thread(() -> {
            try {
                while (changing.get()) {
                    loop.lookupdHttpAddresses();
                    loop.hasLookupds();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        try {
            reader.start();
            for (int i = 0; i < 400 && failure.get() == null; i++) {
                loop.setAddresses(i % 2 == 0 ? many : many.subList(0, 1 + i % 15));
            }
            loop.setAddresses(many);
            // the changes run on the loop's context, in order: read on until the last is applied
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!applied(loop, many.size()) && System.nanoTime() < end) Thread.onSpinWait();
            changing.set(false);
            reader.join();
            assertNull(failure.get(), () -> "reading peers failed: " + failure.get());
        } finally {
            loop.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
