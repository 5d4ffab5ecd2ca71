package dev.nsq.it.monitoring;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every metric name a dashboard reads is one our nsqd or nsqlookupd serves on /metrics: ours
 * (monitoring/grafana/dashboards/nsq.json), and Grafana's NSQ dashboards (grafana/jsonnet-libs
 * nsq-mixin, "NSQ Topics" and "NSQ Instances"), which read NSQ's statsd keys as statsd_exporter names
 * them: the mapping monitoring/README.md documents, so those work with only the data source set.
 */
class DashboardMetricsTest {
    /** The names Grafana's nsq-mixin dashboards query (their panels and variables). */
    static final List<String> NSQ_MIXIN_NAMES = List.of(
            "nsq_topic_message_count", "nsq_topic_message_bytes", "nsq_topic_depth", "nsq_topic_backend_depth",
            "nsq_topic_e2e_processing_latency_99", "nsq_topic_channel_message_count", "nsq_topic_channel_clients",
            "nsq_topic_channel_depth", "nsq_topic_channel_backend_depth", "nsq_topic_channel_in_flight_count",
            "nsq_topic_channel_requeue_count", "nsq_topic_channel_timeout_count", "nsq_topic_channel_deferred_count",
            "nsq_topic_channel_e2e_processing_latency_99", "nsq_mem_heap_in_use_bytes", "nsq_mem_heap_idle_bytes",
            "nsq_mem_heap_released_bytes", "nsq_mem_heap_objects", "nsq_mem_next_gc_bytes", "nsq_mem_gc_pause_usec_100",
            "nsq_mem_gc_pause_usec_99", "nsq_mem_gc_pause_usec_95");
    /** Made by Prometheus for every target, not by the target. */
    static final Set<String> FROM_PROMETHEUS = Set.of("up");

    @TempDir static Path data;
    static ScrapedNodes nodes;
    static Set<String> served;

    @BeforeAll
    static void start() throws Exception {
        nodes = new ScrapedNodes(data, 5);
        served = nodes.names();
    }

    @AfterAll
    static void stop() throws Exception {
        if (nodes != null) nodes.close();
    }

    @Test
    void everyMetricOurDashboardReadsIsServed() throws Exception {
        Set<String> used = new Dashboard().metricNames();
        assertTrue(used.containsAll(List.of("nsq_topic_depth", "nsq_topic_channel_in_flight_count", "nsq_topic_channel_requeue_count",
                "nsq_topic_channel_timeout_count", "nsq_topic_e2e_processing_latency_99", "nsq_healthy", "up")),
                "the dashboard covers depth, in flight, requeued, timed out, latency and health: " + used);
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(served);
        missing.removeAll(FROM_PROMETHEUS);
        assertEquals(Set.of(), missing, "names the dashboard reads that /metrics does not serve");
        System.out.printf("DashboardMetricsTest: %d queries read %d metric names, all served%n", new Dashboard().panelQueries.size(), used.size());
    }

    @Test
    void grafanasNsqMixinDashboardsFindEveryNameTheyRead() {
        Set<String> missing = new TreeSet<>(NSQ_MIXIN_NAMES);
        missing.removeAll(served);
        assertEquals(Set.of(), missing, "names Grafana's nsq-mixin reads that /metrics does not serve");
    }

    @Test
    void metricNamesAreFoundInPromQl() {
        assertEquals(Set.of("a_b", "c:d"), Dashboard.metricNames(
                "sum by (topic, x) (rate(a_b{job=\"nsqd\", topic=~\"$topic\"}[$__rate_interval])) / on (i) group_left c:d offset 5m"));
        assertEquals(Set.of("up"), Dashboard.metricNames("max without(instance) (up{job=\"x\"}) > bool 0"));
    }
}
