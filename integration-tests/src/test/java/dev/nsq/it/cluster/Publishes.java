package dev.nsq.it.cluster;

import dev.nsq.client.ClientConfig;
import dev.nsq.client.Producer;
import dev.nsq.protocol.NsqError;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes over TCP with our client's {@link Producer} (one connection to one nsqd, reopened by the
 * next publish after nsqd closed it) and keeps the outcome of every command: acknowledged (OK),
 * refused (an error frame such as E_PUB_FAILED, counted by code) or failed (connection lost, no
 * answer in time: nothing is known, so like a refusal it is not counted as acknowledged).
 */
final class Publishes implements AutoCloseable {
    final Set<String> acked = ConcurrentHashMap.newKeySet();
    final Map<String, AtomicInteger> refusedByCode = new ConcurrentHashMap<>();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger sent = new AtomicInteger();
    private final Producer producer;
    private final String topic;

    Publishes(String nsqdTcpAddress, String topic) {
        ClientConfig cfg = new ClientConfig();
        cfg.readTimeoutMs = 30_000;
        cfg.dialTimeoutMs = 2_000;
        this.producer = new Producer(nsqdTcpAddress, cfg);
        this.topic = topic;
    }

    /** One PUB per body, all written at once (pipelined); returns the number acknowledged. */
    int pub(List<String> bodies) {
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (String b : bodies) fs.add(producer.publish(topic, b.getBytes(StandardCharsets.UTF_8)));
        int ok = 0;
        for (int i = 0; i < bodies.size(); i++) if (record(fs.get(i), List.of(bodies.get(i)))) ok++;
        return ok;
    }

    /** MPUBs of {@code batch} bodies each, pipelined; returns the number of messages acknowledged. */
    int mpub(List<String> bodies, int batch) {
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        List<List<String>> batches = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i += batch) {
            List<String> part = bodies.subList(i, Math.min(bodies.size(), i + batch));
            batches.add(part);
            fs.add(producer.multiPublish(topic, part.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList()));
        }
        int ok = 0;
        for (int i = 0; i < fs.size(); i++) if (record(fs.get(i), batches.get(i))) ok += batches.get(i).size();
        return ok;
    }

    private boolean record(CompletableFuture<Void> f, List<String> bodies) {
        sent.addAndGet(bodies.size());
        try {
            f.get(20, TimeUnit.SECONDS);
            acked.addAll(bodies);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NsqError err) refusedByCode.computeIfAbsent(err.code(), k -> new AtomicInteger()).addAndGet(bodies.size());
            else failed.addAndGet(bodies.size());
        } catch (TimeoutException e) {
            failed.addAndGet(bodies.size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed.addAndGet(bodies.size());
        }
        return false;
    }

    int refused() { return refusedByCode.values().stream().mapToInt(AtomicInteger::get).sum(); }

    /** "acked A of S (refused R {E_PUB_FAILED=..}, failed F)". */
    String summary() {
        Map<String, Integer> codes = new TreeMap<>();
        refusedByCode.forEach((k, v) -> codes.put(k, v.get()));
        return "acked " + acked.size() + " of " + sent.get() + " (refused " + refused() + " " + codes + ", no answer " + failed.get() + ")";
    }

    static List<String> bodies(String prefix, int from, int count) {
        List<String> out = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) out.add(String.format("%s-%05d", prefix, i));
        return out;
    }

    @Override
    public void close() { producer.close(); }
}
