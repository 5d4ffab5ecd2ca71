package dev.nsq.it.admin;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.stream.Stream;

/** Reads nsqadmin's server-sent event stream until the first {@code sample} event, then hangs up. */
final class SseReader {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private SseReader() {}

    static JsonNode firstSample(int port) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events"))
                .timeout(Duration.ofSeconds(10)).build();
        HttpResponse<Stream<String>> r = HTTP.send(req, HttpResponse.BodyHandlers.ofLines());
        if (r.statusCode() != 200) throw new AssertionError("/api/events -> " + r.statusCode());
        if (!r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"))
            throw new AssertionError("not an event stream: " + r.headers());
        try (Stream<String> lines = r.body()) {
            boolean sample = false;
            for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                if (line.equals("event: sample")) sample = true;
                else if (sample && line.startsWith("data: ")) return AdminFixture.JSON.readTree(line.substring(6));
            }
        }
        throw new AssertionError("the stream ended without a sample");
    }
}
