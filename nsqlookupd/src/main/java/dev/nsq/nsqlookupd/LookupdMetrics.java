package dev.nsq.nsqlookupd;

import dev.nsq.daemon.MetricsEndpoint.Gauge;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * nsqlookupd's figures for {@code /metrics}: producers (all, and those active as {@code /lookup}
 * counts them), topics, channels, and per topic the producers consumers would be given.
 */
final class LookupdMetrics implements MultiCollector {
    private final Nsqlookupd lookupd;

    LookupdMetrics(Nsqlookupd lookupd) { this.lookupd = lookupd; }

    @Override
    public MetricSnapshots collect() {
        RegistrationDB db = lookupd.db();
        NsqlookupdOptions o = lookupd.options();
        var clients = db.findProducers(Registration.CLIENT, "", "");
        Gauge producers = new Gauge("nsqlookupd_producers", "identified nsqd, by whether they pinged within --inactive-producer-timeout")
                .add(Producer.active(clients, o.inactiveProducerTimeoutMs, 0).size(), "state", "active")
                .add(clients.size() - Producer.active(clients, o.inactiveProducerTimeoutMs, 0).size(), "state", "inactive");
        var topics = RegistrationDB.keys(db.findRegistrations(Registration.TOPIC, Registration.ANY, ""));
        Gauge topicCount = new Gauge("nsqlookupd_topics", "topics registered").add(topics.size());
        Gauge channelCount = new Gauge("nsqlookupd_channels", "channels registered")
                .add(db.findRegistrations(Registration.CHANNEL, Registration.ANY, Registration.ANY).size());
        Gauge perTopic = new Gauge("nsqlookupd_topic_producers", "producers /lookup returns for the topic (active, not tombstoned)");
        for (String t : topics) {
            perTopic.add(Producer.active(db.findProducers(Registration.TOPIC, t, ""), o.inactiveProducerTimeoutMs,
                    o.tombstoneLifetimeMs).size(), "topic", t);
        }
        return MetricSnapshots.of(producers.build(), topicCount.build(), channelCount.build(), perTopic.build());
    }
}
