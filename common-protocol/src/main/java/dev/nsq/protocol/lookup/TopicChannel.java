package dev.nsq.protocol.lookup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One registration: a topic, or a topic's channel ({@code channel} null for the topic itself). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TopicChannel(@JsonProperty("topic") String topic, @JsonProperty("channel") String channel) {
    public static TopicChannel topic(String t) { return new TopicChannel(t, null); }
}
