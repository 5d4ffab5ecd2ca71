package dev.nsq.it.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static dev.nsq.it.cluster.Daemons.freePorts;

/**
 * One nsqlookupd and N nsqd, each its own JVM, joined over Hazelcast ({@code --cluster-members})
 * and registered with the lookupd over TCP, for the replicated-topic tests (issue #17); plus the
 * reads those tests make of them: a topic's {@code "replication"} object in each nsqd's
 * {@code /stats}, who leads it, what lookupd lists, the {@code /metrics} gauges. Every daemon may
 * get its own loopback address and cgroup (the partition test); by default all are on 127.0.0.1.
 */
final class ReplCluster implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /** One nsqd: its process and the addresses clients and lookupd know it by. */
    static final class Node {
        final String name;
        final String host;
        final int tcpPort;
        final int httpPort;
        final DaemonProcess proc;
        /** Set while the JVM is SIGSTOPped: its HTTP API would only time out, so reads skip it. */
        volatile boolean suspended;

        Node(String name, String host, int tcpPort, int httpPort, DaemonProcess proc) {
            this.name = name;
            this.host = host;
            this.tcpPort = tcpPort;
            this.httpPort = httpPort;
            this.proc = proc;
        }

        /** {@code <broadcast_address>:<tcp_port>}: how replication objects and lookupd name the node. */
        String tcpAddr() { return host + ":" + tcpPort; }

        boolean up() { return proc.isAlive() && !suspended; }

        void kill() throws Exception { proc.kill(); }

        void suspend() throws Exception {
            suspended = true;
            proc.suspend();
        }

        void resume() throws Exception {
            proc.resume();
            suspended = false;
        }

        @Override
        public String toString() { return name + "@" + tcpAddr(); }
    }

    /** A topic's {@code "replication"} object as one nsqd's {@code /stats} reports it. */
    record Replication(long epoch, String leader, List<String> replicas, List<String> inSync) {
        static Replication of(JsonNode r) {
            if (r == null || r.isMissingNode() || r.isNull()) return null;
            return new Replication(r.path("epoch").asLong(-1), r.path("leader").asText(""), strings(r.path("replicas")),
                    strings(r.path("in_sync")));
        }

        boolean underReplicated() { return inSync.size() < replicas.size(); }
    }

    /** The node that names itself leader at the highest epoch any live node reports, with its view. */
    record Leader(Node node, Replication replication) {
        long epoch() { return replication.epoch(); }
    }

    final Path dir;
    final String lookupdHost;
    final int lookupdTcp;
    final int lookupdHttp;
    final DaemonProcess lookupd;
    final List<Node> nsqds = new ArrayList<>();

    /**
     * @param hosts   n+1 loopback addresses, lookupd's first; null puts every daemon on 127.0.0.1
     * @param cgroups the cgroup directory each daemon (by name: lookupd, nsqd-1...) starts in; null for none
     */
    ReplCluster(Path dir, int n, List<String> nsqdFlags, List<String> hosts, Function<String, Path> cgroups) throws Exception {
        this.dir = dir;
        int[] p = freePorts(3 + 3 * n);
        List<String> h = new ArrayList<>();
        for (int i = 0; i <= n; i++) h.add(hosts == null ? "127.0.0.1" : hosts.get(i));
        List<String> members = new ArrayList<>();
        for (int i = 0; i <= n; i++) members.add(h.get(i) + ":" + p[3 * i + 2]);
        String memberList = String.join(",", members);
        lookupdHost = h.get(0);
        lookupdTcp = p[0];
        lookupdHttp = p[1];
        List<String> lflags = new ArrayList<>(List.of("--tcp-address=" + lookupdHost + ":" + lookupdTcp,
                "--http-address=" + lookupdHost + ":" + lookupdHttp, "--broadcast-address=" + lookupdHost,
                "--cluster-members=" + memberList, "--cluster-port=" + p[2]));
        if (hosts != null) lflags.add("--cluster-host=" + lookupdHost);
        lookupd = new DaemonProcess("lookupd", "dev.nsq.nsqlookupd.Main", lookupdHost, lookupdHttp, dir.resolve("lookupd.log"), lflags);
        if (cgroups != null) lookupd.inCgroup(cgroups.apply("lookupd"));
        for (int i = 1; i <= n; i++) {
            String name = "nsqd-" + i, host = h.get(i);
            int tcp = p[3 * i], http = p[3 * i + 1], cluster = p[3 * i + 2];
            List<String> flags = new ArrayList<>(List.of("--tcp-address=" + host + ":" + tcp, "--http-address=" + host + ":" + http,
                    "--broadcast-address=" + host, "--data-path=" + dir.resolve(name), "--mem-queue-size=0", "--sync-every=1",
                    "--cluster-members=" + memberList, "--cluster-port=" + cluster,
                    "--lookupd-tcp-address=" + lookupdHost + ":" + lookupdTcp));
            if (hosts != null) flags.add("--cluster-host=" + host);
            flags.addAll(nsqdFlags);
            java.nio.file.Files.createDirectories(dir.resolve(name));
            DaemonProcess d = new DaemonProcess(name, "dev.nsq.nsqd.Main", host, http, dir.resolve(name + ".log"), flags);
            if (cgroups != null) d.inCgroup(cgroups.apply(name));
            nsqds.add(new Node(name, host, tcp, http, d));
        }
    }

    /**
     * Starts every JVM side by side and waits until each answers {@code /ping}; returns the seconds
     * it took. When one fails to come up, every one is stopped before the failure is thrown.
     */
    double start() throws Exception {
        long t0 = System.nanoTime();
        try {
            lookupd.launch();
            for (Node n : nsqds) n.proc.launch();
            lookupd.awaitReady();
            for (Node n : nsqds) n.proc.awaitReady();
        } catch (Exception | Error e) {
            close();
            throw e;
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    String lookupdHttpAddr() { return lookupdHost + ":" + lookupdHttp; }

    List<Node> up() { return nsqds.stream().filter(Node::up).toList(); }

    Node node(String tcpAddr) {
        return nsqds.stream().filter(n -> n.tcpAddr().equals(tcpAddr)).findFirst()
                .orElseThrow(() -> new AssertionError("no nsqd of this cluster is " + tcpAddr + " (nodes: " + nsqds + ")"));
    }

    // ---------------------------------------------------------------- reads

    /** The topic's object in the node's {@code /stats?format=json}; a missing node when it lacks the topic or does not answer. */
    JsonNode topicStats(Node n, String topic) {
        if (!n.up()) return JSON.missingNode();
        JsonNode stats = getJson(n.host, n.httpPort, "/stats?format=json&topic=" + enc(topic));
        for (JsonNode t : stats.path("topics")) if (t.path("topic_name").asText().equals(topic)) return t;
        return JSON.missingNode();
    }

    /** The node's replication view of the topic, null when it lacks the topic or the topic is not replicated there. */
    Replication replication(Node n, String topic) { return Replication.of(topicStats(n, topic).path("replication")); }

    /** The leader at the highest epoch that names itself leader on its own {@code /stats}, or null. */
    Leader leader(String topic) {
        Leader best = null;
        for (Node n : up()) {
            Replication r = replication(n, topic);
            if (r != null && r.leader().equals(n.tcpAddr()) && (best == null || r.epoch() > best.epoch())) best = new Leader(n, r);
        }
        return best;
    }

    /** Every live node that names itself leader of the topic (at any epoch): more than one is a split brain. */
    List<Node> selfProclaimedLeaders(String topic) {
        List<Node> out = new ArrayList<>();
        for (Node n : up()) {
            Replication r = replication(n, topic);
            if (r != null && r.leader().equals(n.tcpAddr())) out.add(n);
        }
        return out;
    }

    /** What lookupd's {@code /lookup} lists for the topic, as {@code broadcast_address:tcp_port}, sorted. */
    List<String> lookup(String topic) {
        List<String> out = new ArrayList<>();
        getJson(lookupdHost, lookupdHttp, "/lookup?topic=" + enc(topic)).path("producers")
                .forEach(p -> out.add(p.path("broadcast_address").asText() + ":" + p.path("tcp_port").asInt()));
        out.sort(null);
        return out;
    }

    /** The sum of a metric's samples in the node's {@code /metrics}; NaN when it has none or does not answer. */
    double metric(Node n, String name) {
        String text = get(n.host, n.httpPort, "/metrics");
        if (text == null) return Double.NaN;
        double sum = 0;
        boolean found = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + " ") || line.startsWith(name + "{"))) continue;
            String[] parts = line.trim().split("\\s+");
            // "name{labels} value" or "name value [timestamp]": the value follows the name (with its labels)
            int valueAt = line.startsWith(name + "{") ? indexAfterLabels(parts) : 1;
            sum += Double.parseDouble(parts[valueAt]);
            found = true;
        }
        return found ? sum : Double.NaN;
    }

    private static int indexAfterLabels(String[] parts) {
        for (int i = 0; i < parts.length; i++) if (parts[i].endsWith("}")) return i + 1;
        return parts.length - 1;
    }

    int post(Node n, String pathAndQuery, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + n.host + ":" + n.httpPort + pathAndQuery))
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** What the nsqd answers to a POST, as "status body". */
    String postText(Node n, String pathAndQuery, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + n.host + ":" + n.httpPort + pathAndQuery))
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    static JsonNode getJson(String host, int port, String path) {
        String body = get(host, port, path);
        try {
            return body == null || body.isEmpty() ? JSON.missingNode() : JSON.readTree(body);
        } catch (Exception e) {
            return JSON.missingNode();
        }
    }

    /** The body of a 200 answer, null otherwise (error status, refused, timed out). */
    static String get(String host, int port, String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (Exception e) {
            return null;
        }
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(x -> out.add(x.asText()));
        return out;
    }

    static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    /** One line per daemon: the log file, for failure messages. */
    String logs() {
        StringBuilder b = new StringBuilder("logs: " + dir.resolve("lookupd.log"));
        for (Node n : nsqds) b.append(", ").append(dir.resolve(n.name + ".log"));
        return b.toString();
    }

    @Override
    public void close() throws Exception {
        for (Node n : nsqds) n.proc.close();
        lookupd.close();
    }
}
