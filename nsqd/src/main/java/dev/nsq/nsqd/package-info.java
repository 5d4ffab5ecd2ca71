/**
 * nsqd: topics, channels, their disk queues, the TCP V2 protocol and the HTTP API.
 *
 * <h2>Threads, and one asynchronous style</h2>
 * <ul>
 *   <li><b>Event loops</b> own connections ({@code ProtocolV2}, its reader, timers
 *   and writes) and serve HTTP requests.</li>
 *   <li><b>Any thread, under a monitor</b>: {@code Topic} and {@code Channel} are called from
 *   event loops, disk threads and the queue scan, and guard their state with their own monitor;
 *   lock order Topic, then Channel.</li>
 *   <li><b>Disk threads</b> ({@code nsqd-disk-N}, {@link dev.nsq.nsqd.diskqueue.DiskWorkers}) run
 *   every blocking disk task. Each disk queue (a topic's or channel's, a deferred journal, and
 *   {@code nsqd.dat}) has its own ordered Vert.x worker context there
 *   ({@link dev.nsq.nsqd.diskqueue.DiskContext}), which alone touches its files.</li>
 * </ul>
 *
 * <p>Asynchronous results in the core are {@link io.vertx.core.Future}s without a context. They
 * complete on the thread that finished the work: a disk thread, or the caller's own when nothing
 * had to wait (a publish that fit in memory is {@code Future.succeededFuture()}: no hop). What is
 * chained on them runs there too, taking locks as any caller would; they are combined with
 * {@code Future.join}, which waits for every part.
 *
 * <p>Work comes back to a loop in one place, {@code OnLoop.whenDone}: it runs the rest on the
 * connection's or request's context once the core's future completes.
 *
 * <p>After {@code Storage.close} disk work is refused: its future fails, never an exception at
 * the caller. See docs/architecture.md, "Threads and who owns what".
 */
package dev.nsq.nsqd;
