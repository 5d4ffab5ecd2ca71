package dev.nsq.cluster;

import dev.nsq.daemon.flags.FlagSet;

import java.util.ArrayList;
import java.util.List;

/**
 * How a daemon joins the clustered event bus: {@code --cluster-members=host:port,...} (or the
 * environment variable {@code NSQ_CLUSTER_MEMBERS}), {@code --cluster-port} (this node's Hazelcast
 * port, default 5701) and {@code --cluster-host}. Without members no Hazelcast starts.
 */
public final class ClusterOptions {
    public static final String ENV_MEMBERS = "NSQ_CLUSTER_MEMBERS";

    public List<String> members = new ArrayList<>();
    public int port = 5701;
    public String host = "";

    public boolean enabled() { return !members.isEmpty(); }

    /** Declares the three flags on a daemon's flag set. */
    public void addFlags(FlagSet f) {
        f.list("cluster-members", "Hazelcast members to join, host:port (comma separated or repeated; also $NSQ_CLUSTER_MEMBERS)",
                v -> { for (String m : v.split(",")) if (!m.isBlank()) members.add(m.trim()); });
        f.integer("cluster-port", port, "this node's Hazelcast port for the clustered event bus", v -> port = v.intValue());
        f.string("cluster-host", "", "address Hazelcast binds and advertises (default: first of the member hosts, else auto)", v -> host = v);
    }

    /** Members from the environment when no flag named any. */
    public void applyEnvironment() {
        String env = System.getenv(ENV_MEMBERS);
        if (members.isEmpty() && env != null) {
            for (String m : env.split(",")) if (!m.isBlank()) members.add(m.trim());
        }
    }
}
