package dev.nsq.nsqadmin.cluster;

import dev.nsq.nsqadmin.cluster.Partial.Gathered;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * What nsqadmin knows about the cluster and how it changes it (NSQ's clusterinfo package): reads
 * lookupd's {@code /topics}, {@code /channels}, {@code /lookup}, {@code /nodes} or, without lookupd,
 * the given nsqd's {@code /info} and {@code /stats}; actions go to every nsqd that has the topic and,
 * for create and delete, to every lookupd. Each call asks all daemons at once; a daemon that fails
 * becomes one line in {@link Partial#errors()}, and only when all fail does the future fail (with
 * {@code Failed to query any ...}). Stateless apart from the address lists, so any event loop may call it.
 */
public final class ClusterInfo {
    private static final Logger log = LoggerFactory.getLogger(ClusterInfo.class);

    private final Upstream http;
    private final Supplier<List<String>> lookupdAddrs;
    private final List<String> nsqdAddrs;

    /** {@code lookupdAddrs} is read on every call, as {@code PUT /config/nsqlookupd_http_addresses} may change it. */
    public ClusterInfo(Upstream http, Supplier<List<String>> lookupdAddrs, List<String> nsqdAddrs) {
        this.http = http;
        this.lookupdAddrs = lookupdAddrs;
        this.nsqdAddrs = List.copyOf(nsqdAddrs);
    }

    public boolean usesLookupd() { return !lookupdAddrs.get().isEmpty(); }

    public List<String> lookupdAddresses() { return lookupdAddrs.get(); }

    public List<String> nsqdAddresses() { return nsqdAddrs; }

    // ---------------------------------------------------------------- reads

    /** Every topic, sorted: the union of lookupd's {@code /topics}, or of the nsqd's {@code /stats}. */
    public Future<Partial<List<String>>> topics() {
        if (usesLookupd()) {
            List<String> addrs = lookupdAddrs.get();
            return all("nsqlookupd", addrs, a -> http.getJson(a, "/topics"))
                    .map(g -> new Partial<>(sortedUnion(g.values(), "topics"), g.errors()));
        }
        return all("nsqd", nsqdAddrs, a -> http.getJson(a, "/stats?format=json&include_clients=false&include_mem=false"))
                .map(g -> {
                    TreeSet<String> names = new TreeSet<>();
                    for (JsonObject s : g.values()) for (JsonObject t : objects(s.getJsonArray("topics"))) names.add(t.getString("topic_name"));
                    return new Partial<>(new ArrayList<>(names), g.errors());
                });
    }

    /** The union of every lookupd's channels of {@code topic}. */
    public Future<Partial<List<String>>> lookupdTopicChannels(String topic) {
        return all("nsqlookupd", lookupdAddrs.get(), a -> http.getJson(a, "/channels?topic=" + enc(topic)))
                .map(g -> new Partial<>(sortedUnion(g.values(), "channels"), g.errors()));
    }

    /** The nsqd lookupd lists for {@code topic} (tombstoned ones left out by lookupd), one per HTTP address. */
    public Future<Partial<List<Producer>>> lookupdTopicProducers(String topic) {
        return all("nsqlookupd", lookupdAddrs.get(), a -> http.getJson(a, "/lookup?topic=" + enc(topic)))
                .map(g -> {
                    Map<String, Producer> byAddr = new LinkedHashMap<>();
                    for (JsonObject r : g.values()) {
                        for (JsonObject p : objects(r.getJsonArray("producers"))) {
                            Producer pr = Producer.fromLookupd(p);
                            byAddr.putIfAbsent(pr.httpAddress(), pr);
                        }
                    }
                    return new Partial<>(new ArrayList<>(byAddr.values()), g.errors());
                });
    }

    /** Every nsqd of the cluster: lookupd's {@code /nodes} merged by TCP address, or each given nsqd's {@code /info}. */
    public Future<Partial<List<Producer>>> producers() {
        if (usesLookupd()) return lookupdProducers();
        return nsqdProducers(nsqdAddrs, null);
    }

    /** The nsqd that have {@code topic}. */
    public Future<Partial<List<Producer>>> topicProducers(String topic) {
        if (usesLookupd()) return lookupdTopicProducers(topic);
        return nsqdProducers(nsqdAddrs, topic);
    }

    private Future<Partial<List<Producer>>> lookupdProducers() {
        return all("nsqlookupd", lookupdAddrs.get(), a -> http.getJson(a, "/nodes").map(r -> Map.entry(a, r)))
                .map(g -> {
                    Map<String, Producer> byAddr = new LinkedHashMap<>();
                    for (Map.Entry<String, JsonObject> e : g.values()) {
                        for (JsonObject p : objects(e.getValue().getJsonArray("producers"))) {
                            Producer pr = Producer.fromLookupd(p);
                            Producer known = byAddr.putIfAbsent(pr.tcpAddress(), pr);
                            if (known == null) known = pr;
                            known.remoteAddresses.add(e.getKey() + "/" + (pr.remoteAddress.isEmpty() ? "N/A" : pr.remoteAddress));
                        }
                    }
                    List<Producer> list = new ArrayList<>(byAddr.values());
                    markOutOfDate(list);
                    list.sort(Comparator.comparing((Producer p) -> p.hostname).thenComparing(Producer::httpAddress));
                    return new Partial<>(list, g.errors());
                });
    }

    /**
     * Each given nsqd's {@code /info} and its topics from {@code /stats}; with {@code topic}, only
     * the nsqd that have it.
     */
    private Future<Partial<List<Producer>>> nsqdProducers(List<String> addrs, String topic) {
        String statsPath = "/stats?format=json&include_clients=false&include_mem=false";
        return all("nsqd", addrs, a -> http.getJson(a, statsPath).compose(stats -> {
            List<String> names = new ArrayList<>();
            for (JsonObject t : objects(stats.getJsonArray("topics"))) names.add(t.getString("topic_name"));
            if (topic != null && !names.contains(topic)) return Future.succeededFuture((Producer) null);
            return http.getJson(a, "/info").map(info -> {
                Producer p = Producer.fromNsqdInfo(a, info);
                names.stream().sorted().forEach(n -> p.topics.add(new Producer.ProducerTopic(n, false)));
                return p;
            });
        })).map(g -> {
            List<Producer> list = new ArrayList<>();
            for (Producer p : g.values()) if (p != null) list.add(p);
            markOutOfDate(list);
            return new Partial<>(list, g.errors());
        });
    }

    /**
     * Each producer's {@code /stats}, one {@link TopicStats} per node and topic (channels and, when
     * asked, clients included), sorted by topic then host. With {@code topic}, only that topic.
     */
    public Future<Partial<List<TopicStats>>> nsqdStats(List<Producer> producers, String topic, boolean includeClients) {
        if (producers.isEmpty()) return Future.succeededFuture(Partial.of(List.of()));
        StringBuilder q = new StringBuilder("/stats?format=json&include_mem=false");
        if (topic != null) q.append("&topic=").append(enc(topic));
        if (!includeClients) q.append("&include_clients=false");
        String path = q.toString();
        List<String> addrs = producers.stream().map(Producer::httpAddress).toList();
        return all("nsqd", addrs, a -> http.getJson(a, path).map(r -> Map.entry(a, r))).map(g -> {
            long now = System.currentTimeMillis() / 1000;
            List<TopicStats> out = new ArrayList<>();
            for (Map.Entry<String, JsonObject> e : g.values()) {
                String addr = e.getKey();
                Producer prod = producers.stream().filter(p -> p.httpAddress().equals(addr)).findFirst().orElse(null);
                String hostname = prod == null ? "" : prod.hostname;
                for (JsonObject t : objects(e.getValue().getJsonArray("topics"))) {
                    if (topic != null && !topic.equals(t.getString("topic_name"))) continue;
                    TopicStats ts = TopicStats.fromNode(t, addr, hostname, now);
                    if (prod != null) ts.tcpAddress = prod.tcpAddress();
                    out.add(ts);
                }
            }
            out.sort(Comparator.comparing((TopicStats t) -> t.topicName).thenComparing(t -> t.hostname).thenComparing(t -> t.node));
            return new Partial<>(out, g.errors());
        });
    }

    /**
     * The next messages of the topic ({@code channel} null) or channel on every nsqd that has the
     * topic, left where they are (nsqd's {@code /topic/peek} and {@code /channel/peek}, ours): one
     * {@code {"node","hostname","messages"}} per node, sorted by host.
     */
    public Future<Partial<List<JsonObject>>> peek(String topic, String channel, int count) {
        String path = (channel == null ? "/topic/peek?topic=" + enc(topic) : "/channel/peek" + topicChannelQuery(topic, channel))
                + "&count=" + count;
        return topicProducers(topic).compose(prods -> all("nsqd", httpAddrs(prods.value()), a -> http.getJson(a, path).map(r -> {
            String hostname = prods.value().stream().filter(p -> p.httpAddress().equals(a)).map(p -> p.hostname).findFirst().orElse("");
            return new JsonObject().put("node", a).put("hostname", hostname)
                    .put("messages", r.getJsonArray("messages", new JsonArray()));
        })).map(g -> {
            List<JsonObject> nodes = new ArrayList<>(g.values());
            nodes.sort(Comparator.comparing((JsonObject n) -> n.getString("hostname")).thenComparing(n -> n.getString("node")));
            return new Partial<>(nodes, concat(prods.errors(), g.errors()));
        }));
    }

    // ---------------------------------------------------------------- actions

    public Future<List<String>> pauseTopic(String topic, boolean pause) {
        return onTopicProducers(topic, (pause ? "/topic/pause" : "/topic/unpause") + "?topic=" + enc(topic));
    }

    public Future<List<String>> emptyTopic(String topic) {
        return onTopicProducers(topic, "/topic/empty?topic=" + enc(topic));
    }

    public Future<List<String>> pauseChannel(String topic, String channel, boolean pause) {
        return onTopicProducers(topic, (pause ? "/channel/pause" : "/channel/unpause") + topicChannelQuery(topic, channel));
    }

    public Future<List<String>> emptyChannel(String topic, String channel) {
        return onTopicProducers(topic, "/channel/empty" + topicChannelQuery(topic, channel));
    }

    /** Deletes the topic from every lookupd and every nsqd that has it (producers are found first). */
    public Future<List<String>> deleteTopic(String topic) {
        String q = "?topic=" + enc(topic);
        return topicProducers(topic).compose(producers ->
                postAll(lookupdAddrs.get(), "/topic/delete" + q)
                        .compose(e1 -> postAll(httpAddrs(producers.value()), "/topic/delete" + q)
                                .map(e2 -> concat(producers.errors(), e1, e2))));
    }

    public Future<List<String>> deleteChannel(String topic, String channel) {
        String q = topicChannelQuery(topic, channel);
        return topicProducers(topic).compose(producers ->
                postAll(lookupdAddrs.get(), "/channel/delete" + q)
                        .compose(e1 -> postAll(httpAddrs(producers.value()), "/channel/delete" + q)
                                .map(e2 -> concat(producers.errors(), e1, e2))));
    }

    /**
     * Creates the topic (and channel) on every lookupd and the channel on the nsqd that have the
     * topic, as NSQ does. Without lookupd (ours only: NSQ then does nothing) the topic and channel
     * are created on every given nsqd, so the button works in that mode too.
     */
    public Future<List<String>> createTopicChannel(String topic, String channel) {
        String tq = "?topic=" + enc(topic);
        if (!usesLookupd()) {
            return postAll(nsqdAddrs, "/topic/create" + tq).compose(e1 -> channel.isEmpty()
                    ? Future.succeededFuture(e1)
                    : postAll(nsqdAddrs, "/channel/create" + topicChannelQuery(topic, channel)).map(e2 -> concat(e1, e2)));
        }
        Future<List<String>> topicDone = postAll(lookupdAddrs.get(), "/topic/create" + tq);
        if (channel.isEmpty()) return topicDone;
        String cq = topicChannelQuery(topic, channel);
        return topicDone.compose(e1 -> postAll(lookupdAddrs.get(), "/channel/create" + cq)
                .compose(e2 -> lookupdTopicProducers(topic).transform(p -> {
                    List<String> e3 = p.succeeded() ? p.result().errors() : List.of(p.cause().getMessage());
                    List<Producer> prods = p.succeeded() ? p.result().value() : List.of();
                    return postAll(httpAddrs(prods), "/channel/create" + cq).map(e4 -> concat(e1, e2, e3, e4));
                })));
    }

    /** Tombstones {@code node}'s producer of {@code topic} on every lookupd, then deletes the topic on that nsqd. */
    public Future<List<String>> tombstoneNodeForTopic(String topic, String node) {
        String q = "?topic=" + enc(topic) + "&node=" + enc(node);
        return postAll(lookupdAddrs.get(), "/topic/tombstone" + q)
                .compose(e1 -> nsqdProducers(List.of(node), null).transform(p -> {
                    List<String> e2 = p.succeeded() ? p.result().errors() : List.of(p.cause().getMessage());
                    List<Producer> prods = p.succeeded() ? p.result().value() : List.of();
                    return postAll(httpAddrs(prods), "/topic/delete?topic=" + enc(topic)).map(e3 -> concat(e1, e2, e3));
                }));
    }

    private Future<List<String>> onTopicProducers(String topic, String pathAndQuery) {
        return topicProducers(topic).compose(p -> postAll(httpAddrs(p.value()), pathAndQuery)
                .map(errs -> concat(p.errors(), errs)));
    }

    /** POSTs to every address; the failures' messages (an action is partial rather than all-or-nothing). */
    private Future<List<String>> postAll(List<String> addrs, String pathAndQuery) {
        List<Future<Void>> calls = new ArrayList<>();
        for (String a : addrs) calls.add(http.post(a, pathAndQuery));
        return Partial.gather(calls).map(Gathered::errors);
    }

    // ---------------------------------------------------------------- helpers

    private interface Call<X> { Future<X> apply(String addr); }

    /** Asks every address; fails only when all of them failed (NSQ's "Failed to query any ..."). */
    private <X> Future<Gathered<X>> all(String kind, List<String> addrs, Call<X> call) {
        List<Future<X>> calls = new ArrayList<>();
        for (String a : addrs) calls.add(call.apply(a));
        return Partial.gather(calls).compose(g -> {
            if (!addrs.isEmpty() && g.errors().size() == addrs.size()) {
                String msg = "Failed to query any " + kind + ": " + String.join("; ", g.errors());
                log.debug("{}", msg); // the API answers 502 and logs it; the sampler logs the change
                return Future.failedFuture(new Upstream.UpstreamError(msg));
            }
            // partial failures reach the page as the answer's WARNING; the sampler logs state changes
            if (!g.errors().isEmpty()) log.debug("{}", String.join("; ", g.errors()));
            return Future.succeededFuture(g);
        });
    }

    private static void markOutOfDate(List<Producer> list) {
        SemVer max = SemVer.ZERO;
        for (Producer p : list) if (SemVer.parse(p.version).compareTo(max) > 0) max = SemVer.parse(p.version);
        for (Producer p : list) p.outOfDate = SemVer.parse(p.version).compareTo(max) < 0;
    }

    private static List<String> sortedUnion(List<JsonObject> responses, String field) {
        TreeSet<String> s = new TreeSet<>();
        for (JsonObject r : responses) {
            JsonArray a = r.getJsonArray(field);
            if (a != null) for (Object o : a) if (o instanceof String str) s.add(str);
        }
        return new ArrayList<>(s);
    }

    static List<JsonObject> objects(JsonArray a) {
        List<JsonObject> out = new ArrayList<>();
        if (a != null) for (Object o : a) if (o instanceof JsonObject j) out.add(j);
        return out;
    }

    private static List<String> httpAddrs(List<Producer> ps) { return ps.stream().map(Producer::httpAddress).toList(); }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> out = new ArrayList<>();
        for (List<String> l : lists) out.addAll(l);
        return out;
    }

    private static String topicChannelQuery(String topic, String channel) {
        return "?topic=" + enc(topic) + "&channel=" + enc(channel);
    }

    static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }
}
