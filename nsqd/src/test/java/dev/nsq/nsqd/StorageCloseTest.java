package dev.nsq.nsqd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Disk work asked for after {@link Storage#close()}: a late FIN or metadata save (a request that was
 * on its way while nsqd stopped) must not throw at its caller, who may hold a channel's lock.
 */
class StorageCloseTest {
    @TempDir Path dir;

    private Storage storage() {
        NsqdOptions o = new NsqdOptions();
        o.dataPath = dir.toString();
        return new Storage(o);
    }

    @Test
    void aMetadataSaveAfterCloseFailsItsFuture() {
        Storage s = storage();
        s.close();
        CompletableFuture<Void> saved = assertDoesNotThrow(() -> s.saveMetadata(List::of));
        assertTrue(saved.isCompletedExceptionally());
    }

    @Test
    void aDiskQueueOpenedAfterCloseDropsItsWorkWithoutAnException() {
        Storage s = storage();
        s.close();
        // a topic created by a request that raced the stop: its queue's open task is refused
        DiskBackend late = assertDoesNotThrow(() -> s.openBackend("late", () -> 1));
        assertDoesNotThrow(() -> late.ack(0)); // a FIN, under its channel's lock
        CompletableFuture<Void> write = assertDoesNotThrow(() -> late.write(List.of(new Message(1, 0, new byte[] {1}))));
        assertFalse(write.isDone(), "dropped, never written");
    }
}
