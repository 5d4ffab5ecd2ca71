package dev.nsq.nsqd;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Disk work asked for after {@link Storage#close()}: a late FIN or metadata save (a request that was
 * on its way while nsqd stopped) must not throw at its caller, who may hold a channel's lock.
 */
class StorageCloseTest {
    @TempDir Path dir;
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void closeVertx() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private Storage storage() {
        NsqdOptions o = new NsqdOptions();
        o.dataPath = dir.toString();
        return new Storage(vertx, o);
    }

    @Test
    void aMetadataSaveAfterCloseFailsItsFuture() {
        Storage s = storage();
        s.close();
        Future<Void> saved = assertDoesNotThrow(() -> s.saveMetadata(List::of));
        assertTrue(saved.failed());
    }

    @Test
    void aDiskQueueOpenedAfterCloseRefusesItsWorkWithoutAnException() {
        Storage s = storage();
        s.close();
        // a topic created by a request that raced the stop: its queue's open task is refused
        DiskBackend late = assertDoesNotThrow(() -> s.openBackend("late", () -> 1));
        assertDoesNotThrow(() -> late.ack(0)); // a FIN, under its channel's lock
        Future<Void> write = assertDoesNotThrow(() -> late.write(List.of(new Message(1, 0, new byte[] {1}))));
        assertTrue(write.failed(), "refused, never written");
    }
}
