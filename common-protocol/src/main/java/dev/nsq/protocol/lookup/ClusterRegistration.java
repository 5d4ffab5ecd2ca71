package dev.nsq.protocol.lookup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * A registration message nsqd publishes on the clustered event bus to every nsqlookupd, the
 * event-bus twin of the V1 commands:
 * <ul>
 * <li>{@code REGISTER} / {@code UNREGISTER} with {@code registration}: one topic or channel
 *     added or removed (V1's REGISTER / UNREGISTER);</li>
 * <li>{@code SYNC} with {@code registrations}: everything this node has, replacing what the
 *     lookupd knew of it. Sent on start, every heartbeat interval (so it doubles as V1's PING),
 *     and whenever a lookupd asks with a {@link ClusterAddresses#RESYNC} message.</li>
 * </ul>
 * {@code node_id} is the sender's cluster node ID, so a lookupd can drop the node when the cluster
 * says it left. JSON, as everything crossing a wire here; one model for both ends.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterRegistration(
        @JsonProperty("op") Op op,
        @JsonProperty("node_id") String nodeId,
        @JsonProperty("peer") LookupPeerInfo peer,
        @JsonProperty("registration") TopicChannel registration,
        @JsonProperty("registrations") List<TopicChannel> registrations) {

    public enum Op { REGISTER, UNREGISTER, SYNC }
}
