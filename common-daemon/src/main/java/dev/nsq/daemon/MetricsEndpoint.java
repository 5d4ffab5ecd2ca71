package dev.nsq.daemon;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * {@code GET /metrics} in Prometheus' text format (NSQ has none; users ask for it): the daemon's
 * own figures, collected from its live state at each scrape, plus the JVM's (memory, GC, threads)
 * from the Prometheus client's instrumentation. One registry per daemon, so several daemons in one
 * JVM (tests) each report their own.
 */
public final class MetricsEndpoint {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public MetricsEndpoint(MultiCollector daemonMetrics) {
        JvmMetrics.builder().register(registry);
        registry.register(daemonMetrics);
    }

    public void handle(RoutingContext ctx) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            ctx.fail(e);
            return;
        }
        ctx.response().putHeader("Content-Type", writer.getContentType()).end(Buffer.buffer(out.toByteArray()));
    }

    /** A gauge family being filled, one data point per label set ({@code "topic", "t", "channel", "c"}). */
    public static final class Gauge {
        private final GaugeSnapshot.Builder b;

        public Gauge(String name, String help) { b = GaugeSnapshot.builder().name(name).help(help); }

        public Gauge add(double value, String... labelPairs) {
            b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labelPairs)).build());
            return this;
        }

        public MetricSnapshot build() { return b.build(); }
    }

    /**
     * An untyped family: a cumulative count whose name must stay as another tool has it (NSQ's
     * statsd names have no {@code _total}, which a counter here would get).
     */
    public static final class Untyped {
        private final UnknownSnapshot.Builder b;

        public Untyped(String name, String help) { b = UnknownSnapshot.builder().name(name).help(help); }

        public Untyped add(double value, String... labelPairs) {
            b.dataPoint(UnknownSnapshot.UnknownDataPointSnapshot.builder().value(value).labels(Labels.of(labelPairs)).build());
            return this;
        }

        public MetricSnapshot build() { return b.build(); }
    }
}
