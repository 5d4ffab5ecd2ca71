package dev.nsq.it.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.it.client.Local;
import dev.nsq.nsqd.Nsqd;
import dev.nsq.nsqd.NsqdOptions;
import dev.nsq.nsqlookupd.Nsqlookupd;
import dev.nsq.nsqlookupd.NsqlookupdOptions;
import io.vertx.core.Future;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** Our daemons on 127.0.0.1 for cluster tests (started as {@link Local} starts them), and reads of their HTTP APIs. */
final class Daemons {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Daemons() {}

    static <T> T sync(Future<T> f) throws Exception { return Local.sync(f); }

    static Nsqd nsqd(Path data, Consumer<NsqdOptions> tweak) throws Exception { return Local.nsqd(data, tweak); }

    static Nsqlookupd lookupd(Consumer<NsqlookupdOptions> tweak) throws Exception { return Local.lookupd(tweak); }

    /**
     * Free TCP ports for daemons that must be told their port in advance (Hazelcast members,
     * restarts on the same port). Taken below Linux's ephemeral range (32768+): a port the OS handed
     * out for listening could otherwise be given to some outgoing connection (the daemons connect
     * to each other while starting) before the daemon meant to bind it does.
     */
    static int[] freePorts(int n) throws IOException {
        int[] out = new int[n];
        ServerSocket[] held = new ServerSocket[n];
        java.util.Random r = new java.util.Random();
        for (int i = 0; i < n; ) {
            int port = 20_000 + r.nextInt(12_000);
            try {
                held[i] = new ServerSocket(port, 50, java.net.InetAddress.getLoopbackAddress());
                out[i++] = port;
            } catch (IOException taken) {
                // try another
            }
        }
        for (ServerSocket s : held) s.close();
        return out;
    }

    static JsonNode getJson(int port, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
        return r.statusCode() == 200 ? body : JSON.nullNode();
    }

    static int post(int port, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** The tcp ports of the producers lookupd returns for a topic (empty when unknown). */
    static List<Integer> producerTcpPorts(Nsqlookupd l, String topic) throws Exception {
        JsonNode r = getJson(l.httpPort(), "/lookup?topic=" + topic);
        return r.path("producers").findValues("tcp_port").stream().map(JsonNode::asInt).sorted().toList();
    }

    static List<String> channels(Nsqlookupd l, String topic) throws Exception {
        JsonNode r = getJson(l.httpPort(), "/channels?topic=" + topic);
        return java.util.stream.StreamSupport.stream(r.path("channels").spliterator(), false).map(JsonNode::asText).toList();
    }
}
