package dev.nsq.nsqd;

import dev.nsq.daemon.HttpEnvelope;
import dev.nsq.protocol.Names;

import io.vertx.ext.web.RoutingContext;

import static dev.nsq.daemon.HttpEnvelope.empty;
import static dev.nsq.daemon.HttpEnvelope.error;
import static dev.nsq.daemon.HttpEnvelope.param;

/** {@code /topic/*} and {@code /channel/*}: each with NSQ's own mix of checks and status codes. */
final class TopicChannelRoutes {
    private final Nsqd nsqd;

    TopicChannelRoutes(Nsqd nsqd, HttpApi api) { this.nsqd = nsqd; }

    /** Ours: {@code replication_factor=N} (default --replication-factor) places the topic on N nsqd. */
    void createTopic(RoutingContext ctx) {
        String name = HttpPublish.topicOrFail(ctx);
        if (name == null) return;
        long factor = nsqd.options().replicationFactor;
        String arg = param(ctx, "replication_factor");
        if (arg != null) {
            try {
                factor = Long.parseLong(arg);
            } catch (NumberFormatException e) {
                factor = 0;
            }
            if (factor < 1 || factor > 16) {
                error(ctx, 400, "INVALID_ARG_REPLICATION_FACTOR");
                return;
            }
        }
        Replication r = nsqd.replication();
        boolean replicated = r != null && r.placement(name) != null;
        if (factor > 1 && !replicated && !Names.isEphemeral(name)) {
            if (r == null) {
                error(ctx, 400, "REPLICATION_NEEDS_CLUSTER");
                return;
            }
            r.place(name, (int) factor).onComplete(ar -> ctx.vertx().runOnContext(v -> {
                if (ar.succeeded()) empty(ctx);
                else error(ctx, 400, "INVALID_ARG_REPLICATION_FACTOR - " + HttpApi.reason(ar.cause()));
            }));
            return;
        }
        if (!replicated) nsqd.getOrCreateTopic(name); // a replicated topic exists on its replicas already
        empty(ctx);
    }

    /** NSQ validates no name here: an invalid one simply is not found. */
    void deleteTopic(RoutingContext ctx) {
        String name = param(ctx, "topic");
        if (name == null) {
            error(ctx, 400, "MISSING_ARG_TOPIC");
            return;
        }
        if (atLeader(ctx, name, Replication.topicDelete(), "")) return;
        if (!nsqd.deleteTopic(name)) {
            error(ctx, 404, "TOPIC_NOT_FOUND");
            return;
        }
        empty(ctx);
    }

    /**
     * A replicated topic's control goes to its leader, which passes it to every replica; true when
     * the topic is replicated and the answer is on its way, false to act locally as NSQ.
     */
    private boolean atLeader(RoutingContext ctx, String topic, byte code, String channel) {
        Replication r = nsqd.replication();
        io.vertx.core.Future<Void> f = r == null || topic == null ? null : r.control(topic, code, channel);
        if (f == null) return false;
        HttpApi.whenDone(nsqd, ctx, f);
        return true;
    }

    /** {@link #atLeader} for the topic and channel named by the request, checked as NSQ checks them. */
    private boolean atLeader(RoutingContext ctx, byte code, boolean withChannel) {
        String topic = param(ctx, "topic");
        if (topic == null || !Names.isValid(topic)) return false; // NSQ's own errors follow
        String channel = withChannel ? param(ctx, "channel") : "";
        if (channel == null || (withChannel && !Names.isValid(channel))) return false;
        return atLeader(ctx, topic, code, channel);
    }

    void emptyTopic(RoutingContext ctx) {
        if (atLeader(ctx, ReplicaOps.EMPTY, false)) return;
        Topic t = validExistingTopic(ctx);
        if (t == null) return;
        HttpApi.whenDone(nsqd, ctx, t.empty());
    }

    /** The topic named by a valid {@code topic} argument (400 without one), or null after a 404. */
    Topic validExistingTopic(RoutingContext ctx) {
        String name = HttpPublish.topicOrFail(ctx);
        if (name == null) return null;
        Topic t = nsqd.getTopic(name);
        if (t == null) error(ctx, 404, "TOPIC_NOT_FOUND");
        return t;
    }

    void pauseTopic(RoutingContext ctx, boolean pause) {
        if (atLeader(ctx, pause ? ReplicaOps.PAUSE : ReplicaOps.UNPAUSE, false)) return;
        String name = param(ctx, "topic");
        if (name == null) {
            error(ctx, 400, "MISSING_ARG_TOPIC");
            return;
        }
        Topic t = nsqd.getTopic(name);
        if (t == null) {
            error(ctx, 404, "TOPIC_NOT_FOUND");
            return;
        }
        if (pause) t.pause();
        else t.unpause();
        nsqd.persistMetadata();
        empty(ctx);
    }

    void createChannel(RoutingContext ctx) {
        if (atLeader(ctx, ReplicaOps.CHANNEL_CREATE, true)) return;
        Topic t = existingTopic(ctx);
        if (t == null) return;
        t.getOrCreateChannel(param(ctx, "channel"));
        empty(ctx);
    }

    void deleteChannel(RoutingContext ctx) {
        if (atLeader(ctx, ReplicaOps.CHANNEL_DELETE, true)) return;
        Channel c = existingChannel(ctx);
        if (c == null) return;
        nsqd.deleteChannel(nsqd.getTopic(c.topicName), c.name);
        empty(ctx);
    }

    void emptyChannel(RoutingContext ctx) {
        if (atLeader(ctx, ReplicaOps.EMPTY, true)) return;
        Channel c = existingChannel(ctx);
        if (c == null) return;
        HttpApi.whenDone(nsqd, ctx, c.empty());
    }

    void pauseChannel(RoutingContext ctx, boolean pause) {
        if (atLeader(ctx, pause ? ReplicaOps.PAUSE : ReplicaOps.UNPAUSE, true)) return;
        Channel c = existingChannel(ctx);
        if (c == null) return;
        if (pause) c.pause();
        else c.unpause();
        nsqd.persistMetadata();
        empty(ctx);
    }

    /** NSQ's getExistingTopicFromQuery: the *_ARG_* errors of GetTopicChannelArgs, then 404. */
    Topic existingTopic(RoutingContext ctx) {
        String[] tc = HttpEnvelope.topicChannelArgs(ctx);
        if (tc == null) return null;
        Topic t = nsqd.getTopic(tc[0]);
        if (t == null) {
            error(ctx, 404, "TOPIC_NOT_FOUND");
            return null;
        }
        return t;
    }

    Channel existingChannel(RoutingContext ctx) {
        Topic t = existingTopic(ctx);
        if (t == null) return null;
        Channel c = t.getChannel(param(ctx, "channel"));
        if (c == null) {
            error(ctx, 404, "CHANNEL_NOT_FOUND");
            return null;
        }
        return c;
    }
}
