package dev.nsq.nsqd;

import dev.nsq.protocol.GoDuration;
import dev.nsq.protocol.Version;
import dev.nsq.protocol.json.NsqdStats;
import dev.nsq.protocol.json.NsqdStats.ChannelStats;
import dev.nsq.protocol.json.NsqdStats.ClientStats;
import dev.nsq.protocol.json.NsqdStats.PubCount;
import dev.nsq.protocol.json.NsqdStats.TopicStats;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** NSQ's plain-text /stats report, line for line (scripts grep it). */
final class StatsText {
    private StatsText() {}

    static String render(NsqdStats s, long startTimeSec) {
        StringBuilder w = new StringBuilder();
        long nowMs = System.currentTimeMillis();
        w.append("nsqd v").append(Version.NSQ_VERSION).append(" (built w/java").append(Runtime.version().feature()).append(")\n");
        w.append("start_time ").append(DateTimeFormatter.ISO_OFFSET_DATE_TIME
                .format(Instant.ofEpochSecond(startTimeSec).atOffset(ZoneOffset.UTC))).append('\n');
        w.append("uptime ").append(GoDuration.format(nowMs - startTimeSec * 1000)).append('\n');
        w.append("\nHealth: ").append(s.health()).append('\n');
        if (s.memory() != null) {
            NsqdStats.MemoryStats m = s.memory();
            w.append("\nMemory:\n");
            mem(w, "heap_objects", m.heapObjects());
            mem(w, "heap_idle_bytes", m.heapIdleBytes());
            mem(w, "heap_in_use_bytes", m.heapInUseBytes());
            mem(w, "heap_released_bytes", m.heapReleasedBytes());
            mem(w, "gc_pause_usec_100", m.gcPauseUsec100());
            mem(w, "gc_pause_usec_99", m.gcPauseUsec99());
            mem(w, "gc_pause_usec_95", m.gcPauseUsec95());
            mem(w, "next_gc_bytes", m.nextGcBytes());
            mem(w, "gc_total_runs", m.gcTotalRuns());
        }
        if (s.topics() == null || s.topics().isEmpty()) w.append("\nTopics: None\n");
        else w.append("\nTopics:");
        if (s.topics() != null) {
            for (TopicStats t : s.topics()) {
                w.append(String.format("\n%s[%-15s] depth: %-5d be-depth: %-5d msgs: %-8d e2e%%: %s\n",
                        t.paused() ? "*P " : "   ", t.topicName(), t.depth(), t.backendDepth(), t.messageCount(),
                        E2eLatency.text(t.e2eProcessingLatency())));
                for (ChannelStats c : t.channels()) {
                    w.append(String.format("%s[%-25s] depth: %-5d be-depth: %-5d inflt: %-4d def: %-4d re-q: %-5d timeout: %-5d msgs: %-8d e2e%%: %s\n",
                            c.paused() ? "   *P " : "      ", c.channelName(), c.depth(), c.backendDepth(),
                            c.inFlightCount(), c.deferredCount(), c.requeueCount(), c.timeoutCount(), c.messageCount(),
                            E2eLatency.text(c.e2eProcessingLatency())));
                    if (c.clients() != null) for (ClientStats cl : c.clients()) w.append("        ").append(client(cl, nowMs)).append('\n');
                }
            }
        }
        if (s.producers() == null || s.producers().isEmpty()) w.append("\nProducers: None\n");
        else {
            w.append("\nProducers:\n");
            for (ClientStats p : s.producers()) w.append("   ").append(client(p, nowMs)).append('\n');
        }
        return w.toString();
    }

    private static void mem(StringBuilder w, String k, long v) {
        w.append(String.format("   %-25s\t%d\n", k, v));
    }

    private static String client(ClientStats s, long nowMs) {
        String port = s.remoteAddress().substring(s.remoteAddress().lastIndexOf(':') + 1);
        String id = s.hostname() + ":" + port + " " + s.userAgent();
        String connected = GoDuration.format((nowMs / 1000 - s.connectTs()) * 1000);
        if (s.pubCounts() != null && !s.pubCounts().isEmpty()) {
            long total = 0;
            StringBuilder topics = new StringBuilder();
            for (PubCount p : s.pubCounts()) {
                total += p.count();
                if (topics.length() > 0) topics.append(',');
                topics.append(p.topic()).append('=').append(p.count());
            }
            return String.format("[%s %-21s] msgs: %-8d topics: %s connected: %s", s.version(), id, total, topics, connected);
        }
        return String.format("[%s %-21s] state: %d inflt: %-4d rdy: %-4d fin: %-8d re-q: %-8d msgs: %-8d connected: %s",
                s.version(), id, s.state(), s.inFlightCount(), s.readyCount(), s.finishCount(), s.requeueCount(),
                s.messageCount(), connected);
    }
}
