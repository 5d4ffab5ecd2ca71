package dev.nsq.it.conformance;

import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Replays conformance cases against running daemons, with replay.py's semantics. Addresses are
 * keyed nsqd_tcp, nsqd_http, lookupd_tcp, lookupd_http ("host:port"); a case needing an absent
 * one is skipped. One runner may run many cases, sequentially.
 */
public final class ConformanceRunner {
    public static final long DEFAULT_STEP_TIMEOUT_MS = 2_000;
    private static final long CLEANUP_STEP_TIMEOUT_MS = 1_000;
    private static final List<String> ADDRESS_KEYS = List.of("nsqd_tcp", "nsqd_http", "lookupd_tcp", "lookupd_http");

    private final Map<String, String> addresses = new LinkedHashMap<>();
    private final long stepTimeoutMs;
    private final HttpClient http = HttpSteps.newClient();
    /** ${uniq} is this run's 6 random hex digits plus a 6-digit case counter: 12 chars of [0-9a-f]. */
    private final String runId = String.format("%06x", new SecureRandom().nextInt(1 << 24));
    private final AtomicInteger caseCounter = new AtomicInteger();

    public ConformanceRunner(Map<String, String> addresses) {
        this(addresses, DEFAULT_STEP_TIMEOUT_MS);
    }

    public ConformanceRunner(Map<String, String> addresses, long stepTimeoutMs) {
        addresses.forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                this.addresses.put(k, v);
            }
        });
        this.stepTimeoutMs = stepTimeoutMs;
    }

    public CaseResult run(ConformanceCase c) {
        TreeSet<String> missing = c.neededAddresses();
        missing.removeAll(addresses.keySet());
        if (!missing.isEmpty()) {
            return CaseResult.skipped("needs " + missing.stream()
                    .map(m -> "--" + m.replace('_', '-')).collect(Collectors.joining(", ")));
        }
        String uniq = runId + String.format("%06d", caseCounter.getAndIncrement() % 1_000_000);
        try {
            String problem = runCase(c, uniq);
            return problem == null ? CaseResult.passed() : CaseResult.failed(problem);
        } catch (CaseDefinitionError | StepFailure e) {
            return CaseResult.failed("bad case definition: " + e.getMessage());
        }
    }

    /** Runs the steps, stopping at the first failure; cleanup always follows. Null means passed. */
    private String runCase(ConformanceCase c, String uniq) {
        Variables vars = builtIns(uniq);
        c.vars().forEach((k, v) -> vars.put(k, vars.expand(v)));
        try (TcpConnections conns = new TcpConnections()) {
            Ops ops = new Ops(vars, conns);
            for (int i = 0; i < c.steps().size(); i++) {
                Step st = c.steps().get(i);
                String where = "step " + (i + 1) + " (" + st.describe() + "): ";
                try {
                    ops.run(st);
                } catch (StepFailure e) {
                    return where + e.getMessage();
                } catch (CaseDefinitionError e) {
                    throw e;
                } catch (RuntimeException e) { // a local error still fails only this case
                    return where + e.getClass().getSimpleName() + ": " + e.getMessage();
                }
            }
            return null;
        } finally {
            cleanup(c, vars);
        }
    }

    /** Best effort: cleanup errors are ignored, and steps needing an absent daemon are left out. */
    private void cleanup(ConformanceCase c, Variables vars) {
        try (TcpConnections conns = new TcpConnections()) {
            Ops ops = new Ops(vars, conns);
            for (Step st : c.cleanup()) {
                String needed = st.neededAddress();
                if (needed != null && !addresses.containsKey(needed)) {
                    continue;
                }
                try {
                    ops.run(st.withDefaultTimeout(CLEANUP_STEP_TIMEOUT_MS));
                } catch (RuntimeException ignored) {
                    // cleanup must not turn a result around; a later case uses fresh names anyway
                }
            }
        }
    }

    private Variables builtIns(String uniq) {
        Variables vars = new Variables();
        vars.put("uniq", uniq);
        for (String key : ADDRESS_KEYS) {
            String a = addresses.get(key);
            if (a != null) {
                vars.put(key, a);
                vars.put(key + "_port", Integer.toString(parse(a).getPort()));
            }
        }
        return vars;
    }

    /** "host:port" (host may be empty => 127.0.0.1, or a bracketed IPv6 literal). */
    static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = colon <= 0 ? "127.0.0.1" : hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(host, Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** Dispatches the ops of one case run (steps or cleanup) over its connections and variables. */
    private final class Ops {
        private final TcpSteps tcp;
        private final HttpSteps httpSteps;

        Ops(Variables vars, TcpConnections conns) {
            Map<String, InetSocketAddress> tcpAddrs = new LinkedHashMap<>();
            addresses.forEach((k, v) -> {
                if (k.endsWith("_tcp")) {
                    tcpAddrs.put(k, parse(v));
                }
            });
            this.tcp = new TcpSteps(tcpAddrs, conns, vars);
            this.httpSteps = new HttpSteps(http, addresses, vars);
        }

        void run(Step st) {
            long timeout = st.timeoutMs(stepTimeoutMs);
            switch (String.valueOf(st.op())) {
                case "connect" -> tcp.connect(st, timeout);
                case "send" -> tcp.send(st);
                case "close" -> tcp.close(st);
                case "expect" -> tcp.expect(st, timeout);
                case "expect_messages" -> tcp.expectMessages(st, timeout);
                case "expect_closed" -> tcp.expectClosed(st, timeout);
                case "expect_silence" -> tcp.expectSilence(st);
                case "http" -> httpSteps.run(st, timeout);
                case "sleep" -> sleep(st.millis("ms", 0));
                default -> throw new CaseDefinitionError("unknown op '" + st.op() + "'");
            }
        }

        /** The only sleep: the case itself asks to let time pass. */
        private void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StepFailure("interrupted during sleep");
            }
        }
    }
}
