package dev.nsq.it.conformance;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The TCP ops of one case run: connect, send, close and the expect family. */
final class TcpSteps {
    private static final byte[] MAGIC_V1 = ByteExpr.utf8("  V1");
    private static final byte[] MAGIC_V2 = ByteExpr.utf8("  V2");

    private final Map<String, InetSocketAddress> addresses;
    private final TcpConnections conns;
    private final Variables vars;

    TcpSteps(Map<String, InetSocketAddress> addresses, TcpConnections conns, Variables vars) {
        this.addresses = addresses;
        this.conns = conns;
        this.vars = vars;
    }

    void connect(Step st, long timeoutMs) {
        InetSocketAddress addr = addresses.get(st.target() + "_tcp");
        if (addr == null) {
            throw new CaseDefinitionError("no address for " + st.target() + "_tcp");
        }
        boolean v1 = st.target().equals("lookupd");
        TcpConnection c;
        try {
            c = conns.open(st.conn(), v1, addr, timeoutMs);
        } catch (IOException e) {
            throw new StepFailure("cannot connect to " + st.target() + " tcp " + addr.getHostString() + ":"
                    + addr.getPort() + ": " + e);
        }
        if (st.flag("magic")) {
            c.send(v1 ? MAGIC_V1 : MAGIC_V2);
        }
    }

    void close(Step st) {
        conns.close(st.conn());
    }

    /** Raw `data`, or `cmd` + "\n" followed by a sized `body` or MPUB body. */
    void send(Step st) {
        TcpConnection c = conns.get(st.conn());
        if (st.has("data")) {
            c.send(ByteExpr.build(st.get("data"), vars));
            return;
        }
        byte[] line = ByteExpr.build(st.get("cmd"), vars);
        byte[] out = Arrays.copyOf(line, line.length + 1);
        out[line.length] = '\n';
        if (st.has("body")) {
            out = concat(out, ByteExpr.sized(ByteExpr.build(st.get("body"), vars)));
        } else if (st.has("mpub")) {
            ObjectNode mpub = JsonNodeFactory.instance.objectNode();
            mpub.set("mpub", st.get("mpub"));
            if (st.has("mpub_count")) {
                mpub.set("count", st.get("mpub_count"));
            }
            out = concat(out, ByteExpr.sized(ByteExpr.build(mpub, vars)));
        }
        c.send(out);
    }

    void expect(Step st, long timeoutMs) {
        TcpConnection c = conns.get(st.conn());
        Frame f = read(st, List.of(c), deadline(timeoutMs), timeoutMs).frame();
        FrameChecks.checkFrame(st, f, vars);
    }

    /** Collects len(bodies) messages from the connections, then compares them as a multiset or in order. */
    void expectMessages(Step st, long timeoutMs) {
        List<TcpConnection> from = connections(st);
        List<byte[]> want = new ArrayList<>();
        st.get("bodies").forEach(b -> want.add(ByteExpr.build(b, vars)));
        long deadline = deadline(timeoutMs);
        List<Frame> got = new ArrayList<>();
        Map<String, Integer> perConn = new LinkedHashMap<>();
        from.forEach(c -> perConn.put(c.name, 0));
        while (got.size() < want.size()) {
            TcpConnections.Received r;
            try {
                r = read(st, from, deadline, timeoutMs);
            } catch (StepFailure e) {
                throw new StepFailure(e.getMessage() + " after " + got.size() + " of " + want.size()
                        + " messages (got bodies " + Show.json(bodiesAsJson(got, false)) + ")");
            }
            if (!r.frame().isMessage()) {
                throw new StepFailure("expected message frame, got " + r.frame().describe());
            }
            FrameChecks.checkMessageBasics(st, r.frame());
            got.add(r.frame());
            perConn.merge(r.conn().name, 1, Integer::sum);
        }
        compareBodies(st, want, got);
        checkPerConn(st, perConn);
        captureIds(st, got);
    }

    private void compareBodies(Step st, List<byte[]> want, List<Frame> got) {
        List<byte[]> bodies = new ArrayList<>();
        got.forEach(f -> bodies.add(f.body()));
        if (st.flag("ordered")) {
            if (!sameSequence(want, bodies)) {
                throw new StepFailure("expected bodies in order " + Show.json(asJson(want, false), 400)
                        + ", got " + Show.json(asJson(bodies, false), 400));
            }
            return;
        }
        if (!sameSequence(sorted(want), sorted(bodies))) {
            throw new StepFailure("expected bodies (any order) " + Show.json(asJson(want, true), 400)
                    + ", got " + Show.json(asJson(bodies, true), 400));
        }
    }

    private static void checkPerConn(Step st, Map<String, Integer> perConn) {
        JsonNode expected = st.get("per_conn");
        if (expected == null) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Integer n = perConn.get(e.getKey());
            if (n == null || n != e.getValue().asInt()) {
                throw new StepFailure("expected " + e.getValue().asInt() + " messages on " + e.getKey()
                        + ", got per-connection counts " + Show.counts(perConn));
            }
        }
    }

    private void captureIds(Step st, List<Frame> got) {
        JsonNode capture = st.get("capture_ids");
        if (capture == null) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = capture.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            byte[] body = ByteExpr.build(JsonNodeFactory.instance.textNode(e.getKey()), vars);
            got.stream().filter(f -> Arrays.equals(f.body(), body)).findFirst()
                    .ifPresent(f -> vars.put(e.getValue().asText(), Decode.text(f.id())));
        }
    }

    /** The peer must close (EOF or reset) before sending any further frame. */
    void expectClosed(Step st, long timeoutMs) {
        TcpConnection c = conns.get(st.conn());
        long deadline = deadline(timeoutMs);
        while (true) {
            Frame f;
            try {
                f = conns.next(List.of(c), deadline).frame();
            } catch (TimeoutException e) {
                throw new StepFailure("expected connection close, still open after " + timeoutMs + " ms");
            } catch (TcpConnection.ConnectionClosedException e) {
                return;
            }
            if (!(st.flag("skip_heartbeats") && f.isHeartbeat())) {
                throw new StepFailure("expected connection close, got " + f.describe());
            }
        }
    }

    /** No frame and no close on any of the connections for `ms`. */
    void expectSilence(Step st) {
        List<TcpConnection> from = connections(st);
        long ms = st.millis("ms", 0);
        long deadline = deadline(ms);
        while (true) {
            TcpConnections.Received r;
            try {
                r = conns.next(from, deadline);
            } catch (TimeoutException e) {
                return;
            } catch (TcpConnection.ConnectionClosedException e) {
                throw new StepFailure("expected no frame for " + ms + " ms, got connection closed (" + e.getMessage() + ")");
            }
            if (!(st.flag("skip_heartbeats") && r.frame().isHeartbeat())) {
                throw new StepFailure("expected no frame for " + ms + " ms, got " + r.frame().describe()
                        + " on " + r.conn().name);
            }
        }
    }

    /** Next frame (heartbeats skipped when asked), with timeouts and closes turned into failures. */
    private TcpConnections.Received read(Step st, List<TcpConnection> from, long deadline, long timeoutMs) {
        while (true) {
            TcpConnections.Received r;
            try {
                r = conns.next(from, deadline);
            } catch (TimeoutException e) {
                throw new StepFailure("no frame within " + timeoutMs + " ms");
            } catch (TcpConnection.ConnectionClosedException e) {
                throw new StepFailure("connection closed (" + e.getMessage() + ")");
            }
            if (!(st.flag("skip_heartbeats") && r.frame().isHeartbeat())) {
                return r;
            }
        }
    }

    private List<TcpConnection> connections(Step st) {
        List<TcpConnection> out = new ArrayList<>();
        st.conns().forEach(n -> out.add(conns.get(n)));
        return out;
    }

    private static long deadline(long timeoutMs) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static List<byte[]> sorted(List<byte[]> in) {
        List<byte[]> out = new ArrayList<>(in);
        out.sort(Arrays::compareUnsigned); // byte order, like sorting Python bytes
        return out;
    }

    private static boolean sameSequence(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode bodiesAsJson(List<Frame> frames, boolean sort) {
        List<byte[]> bodies = new ArrayList<>();
        frames.forEach(f -> bodies.add(f.body()));
        return asJson(bodies, sort);
    }

    /** Bodies as a JSON array of (leniently decoded) strings, for messages; optionally sorted. */
    private static JsonNode asJson(List<byte[]> bodies, boolean sort) {
        List<String> texts = new ArrayList<>();
        bodies.forEach(b -> texts.add(Decode.text(b)));
        if (sort) {
            texts.sort(Comparator.naturalOrder());
        }
        var arr = JsonNodeFactory.instance.arrayNode();
        texts.forEach(arr::add);
        return arr;
    }
}
