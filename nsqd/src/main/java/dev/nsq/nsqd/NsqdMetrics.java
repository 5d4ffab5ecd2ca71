package dev.nsq.nsqd;

import dev.nsq.daemon.MetricsEndpoint.Gauge;
import dev.nsq.daemon.MetricsEndpoint.Untyped;
import dev.nsq.protocol.json.NsqdStats;
import dev.nsq.protocol.json.NsqdStats.ChannelStats;
import dev.nsq.protocol.json.NsqdStats.TopicStats;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * nsqd's figures for {@code /metrics}, taken from the same snapshot as {@code /stats}, named as
 * NSQ's statsd keys come out of statsd_exporter: {@code nsq_} + the key, topic and channel names as
 * labels, dots as underscores ({@code topic.T.channel.C.in_flight_count} is
 * {@code nsq_topic_channel_in_flight_count{topic="T",channel="C"}}, {@code mem.heap_in_use_bytes} is
 * {@code nsq_mem_heap_in_use_bytes}). Existing NSQ dashboards built on those names (Grafana's
 * nsq-mixin) then work against us unchanged. NSQ's counters keep their names without {@code _total}
 * and so are untyped; e2e percentiles are in nanoseconds, one family per percentile, as statsd has
 * them. Ours beyond statsd, named the same way after their {@code /stats} keys: paused flags, held
 * bytes and their bound (--max-bytes-per-queue), dead-lettered messages (--max-attempts),
 * connected clients, health.
 */
final class NsqdMetrics implements MultiCollector {
    private final Nsqd nsqd;

    NsqdMetrics(Nsqd nsqd) { this.nsqd = nsqd; }

    @Override
    public MetricSnapshots collect() {
        NsqdStats s = new StatsHandler(nsqd, null).snapshot("", "", false, true);
        Untyped tMessages = new Untyped("nsq_topic_message_count", "messages published to the topic (cumulative)");
        Untyped tBytes = new Untyped("nsq_topic_message_bytes", "bytes of message bodies published to the topic (cumulative)");
        Gauge tDepth = new Gauge("nsq_topic_depth", "messages queued in the topic (memory and disk)");
        Gauge tBackend = new Gauge("nsq_topic_backend_depth", "messages queued in the topic's disk queue");
        Gauge tPaused = new Gauge("nsq_topic_paused", "1 while the topic is paused");
        Gauge tHeld = new Gauge("nsq_topic_held_bytes", "bytes of message bodies waiting in the topic (--max-bytes-per-queue)");
        Untyped cMessages = new Untyped("nsq_topic_channel_message_count", "messages put into the channel (cumulative)");
        Untyped cRequeued = new Untyped("nsq_topic_channel_requeue_count", "messages requeued by REQ (cumulative)");
        Untyped cTimedOut = new Untyped("nsq_topic_channel_timeout_count", "messages whose in-flight timeout expired (cumulative)");
        Gauge cDepth = new Gauge("nsq_topic_channel_depth", "messages queued in the channel (memory and disk)");
        Gauge cBackend = new Gauge("nsq_topic_channel_backend_depth", "messages queued in the channel's disk queue");
        Gauge cInFlight = new Gauge("nsq_topic_channel_in_flight_count", "messages delivered and not yet finished");
        Gauge cDeferred = new Gauge("nsq_topic_channel_deferred_count", "messages deferred (DPUB, REQ with a delay)");
        Gauge cClients = new Gauge("nsq_topic_channel_clients", "consumers subscribed to the channel");
        Gauge cPaused = new Gauge("nsq_topic_channel_paused", "1 while the channel is paused");
        Gauge cHeld = new Gauge("nsq_topic_channel_held_bytes",
                "bytes of message bodies the channel holds: queued, in flight, deferred (--max-bytes-per-queue)");
        Untyped cDead = new Untyped("nsq_topic_channel_dead_letter_count",
                "messages sent to the channel's dead-letter topic (--max-attempts; cumulative)");
        Map<String, Gauge> e2e = new LinkedHashMap<>();
        for (TopicStats t : s.topics() == null ? List.<TopicStats>of() : s.topics()) {
            String tn = t.topicName();
            tMessages.add(t.messageCount(), "topic", tn);
            tBytes.add(t.messageBytes(), "topic", tn);
            tDepth.add(t.depth(), "topic", tn);
            tBackend.add(t.backendDepth(), "topic", tn);
            tPaused.add(t.paused() ? 1 : 0, "topic", tn);
            if (t.heldBytes() != null) tHeld.add(t.heldBytes(), "topic", tn);
            e2e(e2e, "nsq_topic", t.e2eProcessingLatency(), "topic", tn);
            for (ChannelStats c : t.channels()) {
                String[] l = {"topic", tn, "channel", c.channelName()};
                cMessages.add(c.messageCount(), l);
                cRequeued.add(c.requeueCount(), l);
                cTimedOut.add(c.timeoutCount(), l);
                cDepth.add(c.depth(), l);
                cBackend.add(c.backendDepth(), l);
                cInFlight.add(c.inFlightCount(), l);
                cDeferred.add(c.deferredCount(), l);
                cClients.add(c.clientCount(), l);
                cPaused.add(c.paused() ? 1 : 0, l);
                if (c.heldBytes() != null) cHeld.add(c.heldBytes(), l);
                if (c.deadLetterCount() != null) cDead.add(c.deadLetterCount(), l);
                e2e(e2e, "nsq_topic_channel", c.e2eProcessingLatency(), l);
            }
        }
        List<MetricSnapshot> out = new ArrayList<>(List.of(tMessages.build(), tBytes.build(), tDepth.build(),
                tBackend.build(), tPaused.build(), cMessages.build(), cRequeued.build(), cTimedOut.build(),
                cDepth.build(), cBackend.build(), cInFlight.build(), cDeferred.build(), cClients.build(), cPaused.build(),
                tHeld.build(), cHeld.build(), cDead.build()));
        e2e.values().forEach(g -> out.add(g.build()));
        mem(out, s.memory());
        Gauge maxBytes = new Gauge("nsq_max_bytes_per_queue", "the bound on each topic's and channel's held bytes (--max-bytes-per-queue)");
        if (nsqd.options().maxBytesPerQueue > 0) maxBytes.add(nsqd.options().maxBytesPerQueue);
        out.add(maxBytes.build());
        Replication replication = nsqd.replication();
        out.add(new Gauge("nsq_replication_under_replicated_topics",
                "replicated topics led by this nsqd with fewer replicas in sync than placed (docs/replication.md)")
                .add(replication == null ? 0 : replication.underReplicated()).build());
        out.add(new Gauge("nsq_clients", "TCP client connections").add(nsqd.clients().size()).build());
        out.add(new Gauge("nsq_healthy", "1 while nsqd is healthy (/ping answers OK)").add(nsqd.health().isOk() ? 1 : 0).build());
        return new MetricSnapshots(out);
    }

    /** statsd's {@code <key>.e2e_processing_latency_<percent>}: a family per configured percentile. */
    private static void e2e(Map<String, Gauge> families, String prefix, NsqdStats.E2eLatency e, String... labels) {
        if (e == null || e.percentiles() == null) return;
        for (NsqdStats.Percentile p : e.percentiles()) {
            String name = prefix + "_e2e_processing_latency_" + StatsdLoop.percentKey(p.quantile());
            families.computeIfAbsent(name, n -> new Gauge(n, "publish-to-finish latency in nanoseconds at that percentile over the window"))
                    .add(p.value(), labels);
        }
    }

    /** statsd's {@code mem.*} (NSQ sends them with --statsd-mem-stats): the JVM's closest figures. */
    private static void mem(List<MetricSnapshot> out, NsqdStats.MemoryStats m) {
        out.add(new Gauge("nsq_mem_heap_objects", "objects on the heap (0: the JVM does not count them)").add(m.heapObjects()).build());
        out.add(new Gauge("nsq_mem_heap_idle_bytes", "heap committed and not in use").add(m.heapIdleBytes()).build());
        out.add(new Gauge("nsq_mem_heap_in_use_bytes", "heap in use").add(m.heapInUseBytes()).build());
        out.add(new Gauge("nsq_mem_heap_released_bytes", "heap returned to the OS").add(m.heapReleasedBytes()).build());
        out.add(new Gauge("nsq_mem_gc_pause_usec_100", "GC pause in microseconds (the JVM's average)").add(m.gcPauseUsec100()).build());
        out.add(new Gauge("nsq_mem_gc_pause_usec_99", "GC pause in microseconds (the JVM's average)").add(m.gcPauseUsec99()).build());
        out.add(new Gauge("nsq_mem_gc_pause_usec_95", "GC pause in microseconds (the JVM's average)").add(m.gcPauseUsec95()).build());
        out.add(new Gauge("nsq_mem_next_gc_bytes", "heap committed (the JVM's nearest to Go's next GC target)").add(m.nextGcBytes()).build());
        out.add(new Untyped("nsq_mem_gc_runs", "garbage collections (cumulative)").add(m.gcTotalRuns()).build());
    }
}
