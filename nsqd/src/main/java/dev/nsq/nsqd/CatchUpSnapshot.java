package dev.nsq.nsqd;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ObjLongConsumer;

/**
 * What a leader sends a follower to catch it up (docs/replication.md, "Catch-up"): a RESET with the
 * topic's channels, then every message the leader holds, in parts of about 1 MiB. Disk first, then
 * memory under the locks: a message that moves from disk to memory in between is sent twice, never
 * missed. The journal of --persist-deferred is not read.
 */
final class CatchUpSnapshot {
    private static final int PART = 1 << 20;

    private CatchUpSnapshot() {}

    /** The snapshot of {@code t} (an empty RESET when it is gone); the memory part is taken on {@code ctx}. */
    static Future<List<Buffer>> take(Topic t, Context ctx) {
        if (t == null) return Future.succeededFuture(List.of(ReplicaOps.reset(false, List.of(), List.of())));
        List<Channel> chans = new ArrayList<>();
        for (Channel c : t.channelsSnapshot()) if (!c.ephemeral) chans.add(c);
        List<Future<List<Message>>> disk = new ArrayList<>();
        disk.add(peekAll(t.backend()));
        for (Channel c : chans) disk.add(peekAll(c.backend()));
        Promise<List<Buffer>> done = Promise.promise();
        Future.join(disk).onComplete(x -> ctx.runOnContext(v -> done.complete(encode(t, chans, disk))));
        return done.future();
    }

    private static List<Buffer> encode(Topic t, List<Channel> chans, List<Future<List<Message>>> disk) {
        List<String> names = new ArrayList<>();
        List<Boolean> paused = new ArrayList<>();
        for (Channel c : chans) {
            names.add(c.name);
            paused.add(c.isPaused());
        }
        List<Buffer> parts = new ArrayList<>();
        Buffer[] cur = {ReplicaOps.reset(t.isPaused(), names, paused)};
        for (int i = 0; i <= chans.size(); i++) {
            String name = i == 0 ? "" : chans.get(i - 1).name; // "" is what waits at the topic itself
            ObjLongConsumer<Message> out = (m, due) -> {
                ReplicaOps.snapshotMessage(cur[0], name, m, due);
                if (cur[0].length() >= PART) {
                    parts.add(cur[0]);
                    cur[0] = Buffer.buffer();
                }
            };
            List<Message> onDisk = disk.get(i).succeeded() ? disk.get(i).result() : List.of();
            for (Message m : onDisk) out.accept(m, 0);
            if (i == 0) for (Message m : t.heldInMemory()) out.accept(m, 0);
            else chans.get(i - 1).forEachInMemory(out);
        }
        if (cur[0].length() > 0) parts.add(cur[0]);
        return parts;
    }

    private static Future<List<Message>> peekAll(DiskBackend b) {
        if (b == null || b.depth() == 0) return Future.succeededFuture(List.of());
        return b.peek((int) Math.min(Integer.MAX_VALUE - 8, b.depth()));
    }
}
