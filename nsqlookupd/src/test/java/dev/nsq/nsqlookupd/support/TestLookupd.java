package dev.nsq.nsqlookupd.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.nsqlookupd.Nsqlookupd;
import dev.nsq.nsqlookupd.NsqlookupdOptions;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real nsqlookupd on 127.0.0.1, ports chosen by the OS, with HTTP helpers and raw V1 clients.
 * Closing it closes every client it handed out, then the daemon.
 */
public final class TestLookupd implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public final NsqlookupdOptions options = new NsqlookupdOptions();
    private final Nsqlookupd lookupd;
    private final List<LookupWire> clients = new ArrayList<>();

    public TestLookupd() throws Exception { this(o -> { }); }

    public TestLookupd(Consumer<NsqlookupdOptions> tweak) throws Exception {
        options.tcpAddress = "127.0.0.1:0";
        options.httpAddress = "127.0.0.1:0";
        options.broadcastAddress = "lookupd-under-test";
        tweak.accept(options);
        lookupd = new Nsqlookupd(options);
        lookupd.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    public int tcpPort() { return lookupd.tcpPort(); }

    public int httpPort() { return lookupd.httpPort(); }

    /** A name no other test uses. */
    public static String unique(String prefix) { return prefix + "-" + UUID.randomUUID().toString().substring(0, 8); }

    // ---- TCP --------------------------------------------------------------------------------

    /** A V1 client that has sent the magic. */
    public LookupWire connect() throws IOException { return track(new LookupWire(tcpPort(), true)); }

    /** A V1 client that has sent nothing yet. */
    public LookupWire connectRaw() throws IOException { return track(new LookupWire(tcpPort(), false)); }

    /** A V1 client identified as an nsqd at {@code broadcast}:{@code httpPort} (IDENTIFY reply consumed). */
    public LookupWire producer(String broadcast, int tcpPort, int httpPort) throws IOException {
        LookupWire c = connect();
        c.identify(LookupWire.peerJson(broadcast, tcpPort, httpPort));
        JsonNode reply = JSON.readTree(c.read());
        if (!reply.has("tcp_port")) throw new AssertionError("IDENTIFY failed: " + reply);
        return c;
    }

    private LookupWire track(LookupWire c) {
        synchronized (clients) { clients.add(c); }
        return c;
    }

    // ---- HTTP -------------------------------------------------------------------------------

    public HttpResponse<String> get(String pathAndQuery) throws Exception { return send("GET", pathAndQuery); }

    public HttpResponse<String> post(String pathAndQuery) throws Exception { return send("POST", pathAndQuery); }

    public HttpResponse<String> send(String method, String pathAndQuery) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + pathAndQuery))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A request written by hand, for targets {@link java.net.URI} refuses (bad escapes); returns the
     * status line's code and the body.
     */
    public String[] raw(String method, String target) throws IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", httpPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String all = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return new String[] {all.substring(9, 12), all.substring(all.indexOf("\r\n\r\n") + 4)};
        }
    }

    /** GET that must answer 200; its JSON. */
    public JsonNode getJson(String pathAndQuery) throws Exception {
        HttpResponse<String> r = get(pathAndQuery);
        if (r.statusCode() != 200) throw new AssertionError("GET " + pathAndQuery + " -> " + r.statusCode() + " " + r.body());
        return JSON.readTree(r.body());
    }

    /** Text values of a JSON array, e.g. {@code /topics}' "topics". */
    public static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** {@code broadcast_address} of each producer {@code /lookup?topic=} returns (404 → empty). */
    public List<String> lookupProducers(String topic) throws Exception {
        HttpResponse<String> r = get("/lookup?topic=" + topic);
        if (r.statusCode() == 404) return List.of();
        List<String> out = new ArrayList<>();
        JSON.readTree(r.body()).path("producers").forEach(p -> out.add(p.path("broadcast_address").asText()));
        return out;
    }

    /** The {@code /nodes} entry whose broadcast_address is given, or null. */
    public JsonNode node(String broadcast) throws Exception {
        for (JsonNode p : getJson("/nodes").path("producers")) {
            if (p.path("broadcast_address").asText().equals(broadcast)) return p;
        }
        return null;
    }

    @Override
    public void close() throws Exception {
        synchronized (clients) { clients.forEach(LookupWire::close); }
        lookupd.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
