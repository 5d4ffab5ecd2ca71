package dev.nsq.nsqd;

import dev.nsq.protocol.HostPort;
import dev.nsq.protocol.Names;
import dev.nsq.protocol.json.NsqdStats;
import dev.nsq.protocol.json.NsqdStats.ChannelStats;
import dev.nsq.protocol.json.NsqdStats.TopicStats;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * NSQ's statsd loop ({@code --statsd-address}): every {@code --statsd-interval} the stats snapshot
 * goes out over UDP as statsd lines with NSQ's keys: counters as the change since the last push
 * ({@code topic.T.message_count}, {@code ...channel.C.requeue_count}, ...), gauges as they stand
 * ({@code topic.T.depth}, {@code ...in_flight_count}, e2e percentiles, {@code mem.*}), packed into
 * datagrams of at most {@code --statsd-udp-packet-size} bytes.
 *
 * <p>Runs on a Vert.x timer; the snapshot only reads counters and takes each channel's lock briefly.
 */
final class StatsdLoop {
    private static final Logger log = LoggerFactory.getLogger(StatsdLoop.class);

    private final Nsqd nsqd;
    private final NsqdOptions opts;
    private final HostPort target;
    private final DatagramSocket socket;
    /** Counter values at the last push, by key, so each push sends the change. */
    private final Map<String, Long> last = new HashMap<>();
    private final long timer;

    StatsdLoop(Nsqd nsqd, Vertx vertx) {
        this.nsqd = nsqd;
        this.opts = nsqd.options();
        this.target = HostPort.parse(opts.statsdAddress, 8125);
        this.socket = vertx.createDatagramSocket();
        this.timer = vertx.setPeriodic(Math.max(1, opts.statsdIntervalMs), id -> push());
        log.info("STATSD: pushing to {} every {} ms", opts.statsdAddress, opts.statsdIntervalMs);
    }

    /** NSQ's prefix: {@code %s} is the node as {@code <broadcast_address>_<http_port>}, dots and colons as '_'. */
    static String prefix(String template, String broadcastAddress, int httpPort) {
        String host = (broadcastAddress + ":" + httpPort).replace('.', '_').replace(':', '_');
        String p = template.replace("%s", host);
        return p.isEmpty() || p.endsWith(".") ? p : p + ".";
    }

    void push() {
        NsqdStats s = new StatsHandler(nsqd, null).snapshot("", "", false, opts.statsdMemStats);
        String prefix = prefix(opts.statsdPrefix, opts.broadcastAddress,
                opts.broadcastHttpPort > 0 ? opts.broadcastHttpPort : nsqd.httpPort());
        List<String> lines = new ArrayList<>();
        for (TopicStats t : s.topics() == null ? List.<TopicStats>of() : s.topics()) {
            if (opts.statsdExcludeEphemeral && Names.isEphemeral(t.topicName())) continue;
            String tk = "topic." + t.topicName();
            counter(lines, prefix, tk + ".message_count", t.messageCount());
            counter(lines, prefix, tk + ".message_bytes", t.messageBytes());
            gauge(lines, prefix, tk + ".depth", t.depth());
            gauge(lines, prefix, tk + ".backend_depth", t.backendDepth());
            e2e(lines, prefix, tk, t.e2eProcessingLatency());
            for (ChannelStats c : t.channels()) {
                if (opts.statsdExcludeEphemeral && Names.isEphemeral(c.channelName())) continue;
                String ck = tk + ".channel." + c.channelName();
                counter(lines, prefix, ck + ".message_count", c.messageCount());
                counter(lines, prefix, ck + ".requeue_count", c.requeueCount());
                counter(lines, prefix, ck + ".timeout_count", c.timeoutCount());
                gauge(lines, prefix, ck + ".depth", c.depth());
                gauge(lines, prefix, ck + ".backend_depth", c.backendDepth());
                gauge(lines, prefix, ck + ".in_flight_count", c.inFlightCount());
                gauge(lines, prefix, ck + ".deferred_count", c.deferredCount());
                gauge(lines, prefix, ck + ".clients", c.clientCount());
                e2e(lines, prefix, ck, c.e2eProcessingLatency());
            }
        }
        NsqdStats.MemoryStats m = s.memory();
        if (m != null) {
            gauge(lines, prefix, "mem.heap_objects", m.heapObjects());
            gauge(lines, prefix, "mem.heap_idle_bytes", m.heapIdleBytes());
            gauge(lines, prefix, "mem.heap_in_use_bytes", m.heapInUseBytes());
            gauge(lines, prefix, "mem.heap_released_bytes", m.heapReleasedBytes());
            gauge(lines, prefix, "mem.gc_pause_usec_100", m.gcPauseUsec100());
            gauge(lines, prefix, "mem.gc_pause_usec_99", m.gcPauseUsec99());
            gauge(lines, prefix, "mem.gc_pause_usec_95", m.gcPauseUsec95());
            gauge(lines, prefix, "mem.next_gc_bytes", m.nextGcBytes());
            counter(lines, prefix, "mem.gc_runs", m.gcTotalRuns());
        }
        for (Buffer packet : packets(lines, (int) opts.statsdUdpPacketSize)) {
            socket.send(packet, target.port(), target.host())
                    .onFailure(e -> log.error("STATSD: failed to send to {} - {}", opts.statsdAddress, e.toString()));
        }
    }

    private void counter(List<String> lines, String prefix, String key, long value) {
        Long before = last.put(key, value);
        lines.add(prefix + key + ":" + (value - (before == null ? 0 : before)) + "|c");
    }

    private static void gauge(List<String> lines, String prefix, String key, long value) {
        lines.add(prefix + key + ":" + value + "|g");
    }

    private static void e2e(List<String> lines, String prefix, String key, NsqdStats.E2eLatency e) {
        if (e == null || e.percentiles() == null) return;
        for (NsqdStats.Percentile p : e.percentiles()) {
            gauge(lines, prefix, key + ".e2e_processing_latency_" + percentKey(p.quantile()), (long) p.value());
        }
    }

    /** A quantile as NSQ names its key: 0.99 is {@code 99}, 1.0 is {@code 100}. */
    static long percentKey(double quantile) { return Math.round(quantile * 100); }

    /** Lines joined by '\n' into datagrams no longer than {@code max} bytes (a longer line goes alone). */
    static List<Buffer> packets(List<String> lines, int max) {
        List<Buffer> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String l : lines) {
            int extra = cur.length() == 0 ? l.length() : l.length() + 1;
            if (cur.length() > 0 && cur.length() + extra > max) {
                out.add(Buffer.buffer(cur.toString().getBytes(StandardCharsets.UTF_8)));
                cur.setLength(0);
            }
            if (cur.length() > 0) cur.append('\n');
            cur.append(l);
        }
        if (cur.length() > 0) out.add(Buffer.buffer(cur.toString().getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    void close(Vertx vertx) {
        vertx.cancelTimer(timer);
        socket.close();
    }
}
