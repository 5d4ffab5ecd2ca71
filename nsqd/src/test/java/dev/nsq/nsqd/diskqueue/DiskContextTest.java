package dev.nsq.nsqd.diskqueue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** A disk queue's ordered worker context: order, and what happens when the pool refuses work (closed at nsqd's stop). */
class DiskContextTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void closeVertx() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void tasksRunOneAtATimeInOrderAndOneSubmittedFromATaskWaitsItsTurn() throws Exception {
        DiskWorkers workers = new DiskWorkers(vertx, 4);
        DiskContext queue = workers.newQueue("q");
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch gate = new CountDownLatch(1);
        queue.execute(() -> {
            try {
                gate.await(); // the rest queue up behind this one, though three threads are idle
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<Future<Integer>> done = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int n = i;
            done.add(queue.submit(() -> {
                if (n == 0) queue.execute(() -> ran.add(100)); // from inside: after the 99 queued already
                ran.add(n);
                return n;
            }));
        }
        gate.countDown();
        assertEquals(99, done.get(99).await(10, TimeUnit.SECONDS));
        Future<Void> last = queue.submit(() -> null);
        last.await(10, TimeUnit.SECONDS);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i <= 100; i++) expected.add(i);
        assertEquals(expected, ran);
        workers.close();
    }

    @Test
    void workAfterCloseFailsItsFutureWithoutAnExceptionAtTheCaller() {
        DiskWorkers workers = new DiskWorkers(vertx, 1);
        DiskContext queue = workers.newQueue("q");
        workers.close();
        List<String> ran = new ArrayList<>();
        Future<Void> refused = assertDoesNotThrow(() -> queue.submit(() -> { ran.add("refused"); return null; }));
        assertDoesNotThrow(() -> queue.execute(() -> ran.add("refused too")));
        assertTrue(refused.failed());
        assertTrue(ran.isEmpty());
    }

    @Test
    void aRefusalByThePoolDoesNotWedgeTheQueue() throws Exception {
        boolean[] refuseNext = {true};
        ThreadPoolExecutor refusesOnce = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>()) {
            @Override
            public void execute(Runnable r) {
                if (refuseNext[0]) {
                    refuseNext[0] = false;
                    throw new RejectedExecutionException("busy");
                }
                super.execute(r);
            }
        };
        DiskWorkers workers = new DiskWorkers(vertx, refusesOnce);
        DiskContext queue = workers.newQueue("q");
        Future<String> refused = assertDoesNotThrow(() -> queue.submit(() -> "refused"));
        assertTrue(refused.failed(), "the refused task fails its future");
        assertEquals("runs", queue.submit(() -> "runs").await(10, TimeUnit.SECONDS), "the next one gets the pool");
        workers.close();
    }
}
