package dev.nsq.nsqd;

import dev.nsq.daemon.HttpEnvelope;

import dev.nsq.protocol.Version;
import dev.nsq.protocol.json.NsqdStats;
import dev.nsq.protocol.json.NsqdStats.ChannelStats;
import dev.nsq.protocol.json.NsqdStats.ClientStats;
import dev.nsq.protocol.json.NsqdStats.PubCount;
import dev.nsq.protocol.json.NsqdStats.TopicStats;
import io.vertx.ext.web.RoutingContext;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** {@code GET /stats}: the snapshot NSQ's GetStats takes, as JSON or NSQ's text report. */
final class StatsHandler {
    private final Nsqd nsqd;

    StatsHandler(Nsqd nsqd, HttpApi api) { this.nsqd = nsqd; }

    void handle(RoutingContext ctx) {
        String format = HttpEnvelope.param(ctx, "format");
        String topic = orEmpty(HttpEnvelope.param(ctx, "topic"));
        String channel = orEmpty(HttpEnvelope.param(ctx, "channel"));
        boolean includeClients = boolParam(HttpEnvelope.param(ctx, "include_clients"));
        boolean includeMem = boolParam(HttpEnvelope.param(ctx, "include_mem"));
        NsqdStats stats = snapshot(topic, channel, includeClients, includeMem);
        if ("json".equals(format)) {
            HttpEnvelope.json(ctx, stats);
        } else {
            HttpEnvelope.v1(ctx).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end(StatsText.render(stats, nsqd.startTime()));
        }
    }

    /** NSQ's boolParams: true/1 and false/0; anything else (or nothing) means true. */
    private static boolean boolParam(String v) {
        return !("false".equals(v) || "0".equals(v));
    }

    private static String orEmpty(String s) { return s == null ? "" : s; }

    NsqdStats snapshot(String topicFilter, String channelFilter, boolean includeClients, boolean includeMem) {
        List<TopicStats> topics = null;
        List<Topic> selected = new ArrayList<>();
        boolean missing = false;
        if (topicFilter.isEmpty()) selected.addAll(nsqd.topics());
        else {
            Topic t = nsqd.getTopic(topicFilter);
            if (t == null) missing = true;
            else selected.add(t);
        }
        if (!missing) {
            topics = new ArrayList<>();
            for (Topic t : selected) {
                List<Channel> chans;
                if (channelFilter.isEmpty()) chans = t.channelsSnapshot();
                else {
                    Channel c = t.getChannel(channelFilter);
                    if (c == null) continue;
                    chans = List.of(c);
                }
                List<ChannelStats> cs = new ArrayList<>();
                for (Channel c : chans) cs.add(channelStats(c, includeClients, topicFilter));
                topics.add(new TopicStats(t.name, cs, t.depth(), t.backendDepth(), t.messageCount(), t.messageBytes(),
                        t.isPaused(), topicE2e(t), bounded() ? t.heldBytes() : null, maxBytes(), replication(t)));
            }
        }
        List<ClientStats> producers = null;
        if (includeClients) {
            for (ClientV2 c : nsqd.clients()) {
                if (c.pubCounts.isEmpty()) continue;
                if (producers == null) producers = new ArrayList<>();
                producers.add(clientStats(c, topicFilter));
            }
        }
        return new NsqdStats(Version.NSQ_VERSION, nsqd.health().text(), nsqd.startTime(), topics,
                includeMem ? memory() : null, producers);
    }

    private ChannelStats channelStats(Channel c, boolean includeClients, String topicFilter) {
        List<Consumer> clients = c.clientsSnapshot();
        clients.removeIf(ReplicaConsumer.class::isInstance); // a follower's stand-in, not a client
        List<ClientStats> cs = null;
        if (includeClients) {
            cs = new ArrayList<>();
            for (Consumer cl : clients) cs.add(cl.stats(topicFilter));
        }
        return new ChannelStats(c.name, c.depth(), c.backendDepth(), c.inFlightCount(), c.deferredCount(), c.messageCount(),
                c.requeueCount(), c.timeoutCount(), clients.size(), cs, c.isPaused(),
                c.e2e == null ? NsqdStats.E2eLatency.NONE : c.e2e.result(),
                nsqd.options().maxAttempts > 0 ? c.deadLetterCount() : null, bounded() ? c.heldBytes() : null, maxBytes());
    }

    /** --max-bytes-per-queue is set: held bytes and the bound join the figures. */
    private boolean bounded() { return nsqd.options().maxBytesPerQueue > 0; }

    private Long maxBytes() { return bounded() ? nsqd.options().maxBytesPerQueue : null;
    }

    /** The merge of every channel's stream, as NSQ's AggregateChannelE2eProcessingLatency. */
    private NsqdStats.E2eLatency topicE2e(Topic t) {
        if (nsqd.options().e2eProcessingLatencyPercentiles.isEmpty()) return NsqdStats.E2eLatency.NONE;
        List<E2eLatency> all = new ArrayList<>();
        for (Channel c : t.channelsSnapshot()) if (c.e2e != null) all.add(c.e2e);
        return E2eLatency.merged(all);
    }

    static ClientStats clientStats(ClientV2 c, String topicFilter) {
        List<PubCount> pubs = new ArrayList<>();
        for (Map.Entry<String, AtomicLong> e : c.pubCounts.entrySet()) {
            if (topicFilter.isEmpty() || topicFilter.equals(e.getKey())) pubs.add(new PubCount(e.getKey(), e.getValue().get()));
        }
        Authorizations auth = c.auth;
        ClientSettings s = c.settings;
        ClientCounters n = c.counters;
        return new ClientStats(s.clientId, s.hostname, "V2", c.remoteAddress, c.state.code, c.readyCount,
                n.inFlight(), n.messages(), n.finished(), n.requeued(), c.connectTs, s.sampleRate,
                s.deflate, s.snappy, s.userAgent, auth != null, auth == null ? "" : auth.identity,
                auth == null ? "" : auth.identityUrl, pubs, s.tls, tlsCipher(s), tlsVersion(s), "", s.tls);
    }

    private static String tlsCipher(ClientSettings c) {
        javax.net.ssl.SSLSession s = c.tlsSession;
        return s == null ? "" : s.getCipherSuite();
    }

    /** Go's names: JSSE's "TLSv1.2" is NSQ's "TLS1.2" (and "TLSv1" its "TLS1.0"). */
    private static String tlsVersion(ClientSettings c) {
        javax.net.ssl.SSLSession s = c.tlsSession;
        if (s == null) return "";
        String p = s.getProtocol();
        return p.equals("TLSv1") ? "TLS1.0" : p.replace("TLSv", "TLS");
    }

    /** The JVM's closest equivalents of Go's runtime.MemStats figures. */
    private static NsqdStats.MemoryStats memory() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long runs = 0, timeMs = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            runs += Math.max(0, gc.getCollectionCount());
            timeMs += Math.max(0, gc.getCollectionTime());
        }
        long avgPauseUs = runs == 0 ? 0 : timeMs * 1000 / runs;
        return new NsqdStats.MemoryStats(0, Math.max(0, heap.getCommitted() - heap.getUsed()), heap.getUsed(), 0,
                avgPauseUs, avgPauseUs, avgPauseUs, heap.getCommitted(), runs);
    }

    private dev.nsq.protocol.json.NsqdStats.ReplicationStats replication(Topic t) {
        Replication r = nsqd.replication();
        return r == null ? null : r.stats(t.name);
    }
}
