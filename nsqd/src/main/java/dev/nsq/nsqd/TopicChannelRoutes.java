package dev.nsq.nsqd;

import dev.nsq.daemon.HttpEnvelope;

import io.vertx.ext.web.RoutingContext;

import static dev.nsq.daemon.HttpEnvelope.empty;
import static dev.nsq.daemon.HttpEnvelope.error;
import static dev.nsq.daemon.HttpEnvelope.param;

/** {@code /topic/*} and {@code /channel/*}: each with NSQ's own mix of checks and status codes. */
final class TopicChannelRoutes {
    private final Nsqd nsqd;

    TopicChannelRoutes(Nsqd nsqd, HttpApi api) { this.nsqd = nsqd; }

    void createTopic(RoutingContext ctx) {
        String name = HttpPublish.topicOrFail(ctx);
        if (name == null) return;
        nsqd.getOrCreateTopic(name);
        empty(ctx);
    }

    /** NSQ validates no name here: an invalid one simply is not found. */
    void deleteTopic(RoutingContext ctx) {
        String name = param(ctx, "topic");
        if (name == null) {
            error(ctx, 400, "MISSING_ARG_TOPIC");
            return;
        }
        if (!nsqd.deleteTopic(name)) {
            error(ctx, 404, "TOPIC_NOT_FOUND");
            return;
        }
        empty(ctx);
    }

    void emptyTopic(RoutingContext ctx) {
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
        Topic t = existingTopic(ctx);
        if (t == null) return;
        t.getOrCreateChannel(param(ctx, "channel"));
        empty(ctx);
    }

    void deleteChannel(RoutingContext ctx) {
        Channel c = existingChannel(ctx);
        if (c == null) return;
        nsqd.deleteChannel(nsqd.getTopic(c.topicName), c.name);
        empty(ctx);
    }

    void emptyChannel(RoutingContext ctx) {
        Channel c = existingChannel(ctx);
        if (c == null) return;
        HttpApi.whenDone(nsqd, ctx, c.empty());
    }

    void pauseChannel(RoutingContext ctx, boolean pause) {
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
