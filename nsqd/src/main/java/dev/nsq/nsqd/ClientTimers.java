package dev.nsq.nsqd;

import dev.nsq.protocol.Frames;
import io.vertx.core.Vertx;

/**
 * A connection's heartbeat ticker and read deadline. NSQ sends {@code _heartbeat_} every
 * heartbeat interval and drops a client that sends no command for two intervals. The deadline is
 * one re-armed timer per connection, not one per command: each line only stamps the time.
 *
 * <p>Confined to the connection's event loop.
 */
final class ClientTimers {
    private final Vertx vertx;
    private final ClientV2 client;
    private final Runnable onDeadline;
    private long heartbeatTimer = -1;
    private long deadlineTimer = -1;
    private long lastLineNs = System.nanoTime();
    private boolean stopped;

    ClientTimers(Vertx vertx, ClientV2 client, Runnable onDeadline) {
        this.vertx = vertx;
        this.client = client;
        this.onDeadline = onDeadline;
    }

    void start() { restartHeartbeat(); }

    /** (Re)starts both timers for the client's current heartbeat interval (0 disables them). */
    void restartHeartbeat() {
        cancel();
        if (stopped) return;
        long interval = client.settings.heartbeatIntervalMs;
        if (interval <= 0) return;
        heartbeatTimer = vertx.setPeriodic(interval, id -> client.sendResponse(Frames.HEARTBEAT));
        armDeadline(2 * interval);
    }

    void lineRead() { lastLineNs = System.nanoTime(); }

    private void armDeadline(long delayMs) {
        deadlineTimer = vertx.setTimer(Math.max(1, delayMs), id -> {
            deadlineTimer = -1;
            if (stopped) return;
            long limitMs = 2 * client.settings.heartbeatIntervalMs;
            if (limitMs <= 0) return;
            long idleMs = (System.nanoTime() - lastLineNs) / 1_000_000L;
            if (idleMs >= limitMs) {
                org.slf4j.LoggerFactory.getLogger(ClientTimers.class)
                        .info("PROTOCOL(V2): [{}] read timeout after {}ms without a command", client, idleMs);
                onDeadline.run();
            } else {
                armDeadline(limitMs - idleMs);
            }
        });
    }

    private void cancel() {
        if (heartbeatTimer >= 0) vertx.cancelTimer(heartbeatTimer);
        if (deadlineTimer >= 0) vertx.cancelTimer(deadlineTimer);
        heartbeatTimer = deadlineTimer = -1;
    }

    void stop() {
        stopped = true;
        cancel();
    }
}
