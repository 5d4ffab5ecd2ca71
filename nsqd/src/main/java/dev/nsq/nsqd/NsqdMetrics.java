package dev.nsq.nsqd;

import dev.nsq.daemon.MetricsEndpoint.Counter;
import dev.nsq.daemon.MetricsEndpoint.Gauge;
import dev.nsq.protocol.json.NsqdStats;
import dev.nsq.protocol.json.NsqdStats.ChannelStats;
import dev.nsq.protocol.json.NsqdStats.TopicStats;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.List;

/**
 * nsqd's figures for {@code /metrics}, taken from the same snapshot as {@code /stats}: per topic and
 * channel depth, backend depth, in flight, deferred, clients, paused, message/requeue/timeout
 * counters and e2e latency percentiles (seconds), plus connected clients and health.
 */
final class NsqdMetrics implements MultiCollector {
    private final Nsqd nsqd;

    NsqdMetrics(Nsqd nsqd) { this.nsqd = nsqd; }

    @Override
    public MetricSnapshots collect() {
        NsqdStats s = new StatsHandler(nsqd, null).snapshot("", "", false, false);
        Gauge tDepth = new Gauge("nsq_topic_depth", "messages queued in the topic (memory and disk)");
        Gauge tBackend = new Gauge("nsq_topic_backend_depth", "messages queued in the topic's disk queue");
        Gauge tPaused = new Gauge("nsq_topic_paused", "1 while the topic is paused");
        Counter tMessages = new Counter("nsq_topic_messages", "messages published to the topic");
        Counter tBytes = new Counter("nsq_topic_message_bytes", "bytes of message bodies published to the topic");
        Gauge tHeld = new Gauge("nsq_topic_held_bytes", "bytes of message bodies waiting in the topic (--max-bytes-per-queue)");
        Gauge cHeld = new Gauge("nsq_channel_held_bytes", "bytes of message bodies the channel holds: queued, in flight, deferred (--max-bytes-per-queue)");
        Gauge maxBytes = new Gauge("nsq_max_bytes_per_queue", "the bound on each topic's and channel's held bytes (--max-bytes-per-queue)");
        Gauge tE2e = new Gauge("nsq_topic_e2e_processing_latency_seconds", "publish-to-finish latency quantiles over the window");
        Gauge cDepth = new Gauge("nsq_channel_depth", "messages queued in the channel (memory and disk)");
        Gauge cBackend = new Gauge("nsq_channel_backend_depth", "messages queued in the channel's disk queue");
        Gauge cInFlight = new Gauge("nsq_channel_in_flight", "messages delivered and not yet finished");
        Gauge cDeferred = new Gauge("nsq_channel_deferred", "messages deferred (DPUB, REQ with a delay)");
        Gauge cClients = new Gauge("nsq_channel_clients", "consumers subscribed to the channel");
        Gauge cPaused = new Gauge("nsq_channel_paused", "1 while the channel is paused");
        Counter cMessages = new Counter("nsq_channel_messages", "messages put into the channel");
        Counter cRequeued = new Counter("nsq_channel_requeued", "messages requeued by REQ");
        Counter cTimedOut = new Counter("nsq_channel_timed_out", "messages whose in-flight timeout expired");
        Gauge cE2e = new Gauge("nsq_channel_e2e_processing_latency_seconds", "publish-to-finish latency quantiles over the window");
        Counter cDead = new Counter("nsq_channel_dead_lettered", "messages sent to the channel's dead-letter topic (--max-attempts)");
        for (TopicStats t : s.topics() == null ? List.<TopicStats>of() : s.topics()) {
            String tn = t.topicName();
            tDepth.add(t.depth(), "topic", tn);
            tBackend.add(t.backendDepth(), "topic", tn);
            tPaused.add(t.paused() ? 1 : 0, "topic", tn);
            tMessages.add(t.messageCount(), "topic", tn);
            tBytes.add(t.messageBytes(), "topic", tn);
            e2e(tE2e, t.e2eProcessingLatency(), "topic", tn);
            if (t.heldBytes() != null) tHeld.add(t.heldBytes(), "topic", tn);
            for (ChannelStats c : t.channels()) {
                String cn = c.channelName();
                cDepth.add(c.depth(), "topic", tn, "channel", cn);
                cBackend.add(c.backendDepth(), "topic", tn, "channel", cn);
                cInFlight.add(c.inFlightCount(), "topic", tn, "channel", cn);
                cDeferred.add(c.deferredCount(), "topic", tn, "channel", cn);
                cClients.add(c.clientCount(), "topic", tn, "channel", cn);
                cPaused.add(c.paused() ? 1 : 0, "topic", tn, "channel", cn);
                cMessages.add(c.messageCount(), "topic", tn, "channel", cn);
                cRequeued.add(c.requeueCount(), "topic", tn, "channel", cn);
                cTimedOut.add(c.timeoutCount(), "topic", tn, "channel", cn);
                e2e(cE2e, c.e2eProcessingLatency(), "topic", tn, "channel", cn);
                if (c.deadLetterCount() != null) cDead.add(c.deadLetterCount(), "topic", tn, "channel", cn);
                if (c.heldBytes() != null) cHeld.add(c.heldBytes(), "topic", tn, "channel", cn);
            }
        }
        Gauge clients = new Gauge("nsq_clients", "TCP client connections").add(nsqd.clients().size());
        if (nsqd.options().maxBytesPerQueue > 0) maxBytes.add(nsqd.options().maxBytesPerQueue);
        Gauge healthy = new Gauge("nsq_healthy", "1 while nsqd is healthy (/ping answers OK)").add(nsqd.health().isOk() ? 1 : 0);
        return MetricSnapshots.of(tDepth.build(), tBackend.build(), tPaused.build(), tMessages.build(), tBytes.build(),
                tE2e.build(), cDepth.build(), cBackend.build(), cInFlight.build(), cDeferred.build(), cClients.build(),
                cPaused.build(), cMessages.build(), cRequeued.build(), cTimedOut.build(), cE2e.build(), cDead.build(), tHeld.build(), cHeld.build(), maxBytes.build(),
                clients.build(), healthy.build());
    }

    private static void e2e(Gauge g, NsqdStats.E2eLatency e, String... labels) {
        if (e == null || e.percentiles() == null) return;
        for (NsqdStats.Percentile p : e.percentiles()) {
            String[] withQuantile = java.util.Arrays.copyOf(labels, labels.length + 2);
            withQuantile[labels.length] = "quantile";
            withQuantile[labels.length + 1] = Double.toString(p.quantile());
            g.add(p.value() / 1e9, withQuantile);
        }
    }
}
