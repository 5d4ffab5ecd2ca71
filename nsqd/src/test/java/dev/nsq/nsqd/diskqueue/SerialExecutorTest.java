package dev.nsq.nsqd.diskqueue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import static org.junit.jupiter.api.Assertions.*;

/** What a serial executor does when its pool refuses work (the pool is shut down at nsqd's stop). */
class SerialExecutorTest {
    @Test
    void aTaskRefusedByAShutDownPoolIsDroppedWithoutAnExceptionAtTheCaller() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        pool.shutdown();
        SerialExecutor serial = new SerialExecutor(pool);
        List<String> ran = new ArrayList<>();
        assertDoesNotThrow(() -> serial.execute(() -> ran.add("refused")));
        assertDoesNotThrow(() -> serial.execute(() -> ran.add("refused too")));
        assertTrue(ran.isEmpty());
    }

    @Test
    void aRefusalDoesNotLeaveTheExecutorMarkedRunning() {
        List<String> ran = new ArrayList<>();
        boolean[] refuseNext = {true};
        Executor refusesOnce = r -> {
            if (refuseNext[0]) {
                refuseNext[0] = false;
                throw new RejectedExecutionException("busy");
            }
            r.run(); // on the caller's thread: the test sees the result at once
        };
        SerialExecutor serial = new SerialExecutor(refusesOnce);
        try {
            serial.execute(() -> ran.add("refused"));
        } catch (RejectedExecutionException e) {
            // whether the caller sees the refusal is the test above; this one is about what follows
        }
        serial.execute(() -> ran.add("runs"));
        assertEquals(List.of("runs"), ran, "the refused task is dropped; the next one gets the pool");
    }
}
