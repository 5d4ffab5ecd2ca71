package dev.nsq.it.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;

/** Checks a received frame against an `expect` step, and captures values from messages. */
final class FrameChecks {
    static final double DEFAULT_TS_TOLERANCE_S = 60.0;
    private static final Pattern MESSAGE_ID = Pattern.compile("[0-9a-f]{16}");

    private FrameChecks() { }

    static void checkFrame(Step st, Frame f, Variables vars) {
        String want = st.text("frame", null);
        if (f.kind().equals("v1")) {
            if (want != null && !want.equals("any") && !want.equals("v1")) {
                throw new CaseDefinitionError("frame type '" + want + "' on a lookupd connection");
            }
        } else if (want != null && !want.equals("any") && !f.kind().equals(want)) {
            throw new StepFailure("expected " + want + " frame, got " + f.describe());
        }
        if (f.isMessage()) {
            checkMessage(st, f, vars);
            return; // data/regex/json describe non-message frames only
        }
        if (st.has("data")) {
            byte[] exp = ByteExpr.build(st.get("data"), vars);
            if (!Arrays.equals(f.data(), exp)) {
                throw new StepFailure("expected " + Show.bytes(exp) + ", got " + f.describe());
            }
        }
        if (st.has("regex")) {
            String rx = vars.expand(st.text("regex", ""));
            if (!JsonMatcher.regex(rx, 0).matcher(Decode.text(f.data())).find()) {
                throw new StepFailure("expected data matching /" + rx + "/, got " + f.describe());
            }
        }
        if (st.has("json")) {
            JsonNode obj = Decode.json(f.data());
            if (obj == null) {
                throw new StepFailure("expected JSON, got " + f.describe());
            }
            String r = JsonMatcher.match(vars.expandTree(st.get("json")), obj);
            if (r != null) {
                throw new StepFailure("JSON mismatch: " + r);
            }
        }
    }

    /** What every message must satisfy: a whole header, a hex id, a recent timestamp, attempts. */
    static void checkMessageBasics(Step st, Frame f) {
        if (!f.isWholeMessage()) {
            throw new StepFailure("message frame shorter than 26 bytes: " + Show.bytes(f.data()));
        }
        if (!MESSAGE_ID.matcher(new String(f.id(), StandardCharsets.ISO_8859_1)).matches()) {
            throw new StepFailure("message id is not 16 lowercase hex chars: " + Show.bytes(f.id()));
        }
        double tol = st.has("ts_tolerance_s") ? st.get("ts_tolerance_s").asDouble() : DEFAULT_TS_TOLERANCE_S;
        double nowS = System.currentTimeMillis() / 1000.0;
        if (Math.abs(f.timestampNanos() / 1e9 - nowS) > tol) {
            throw new StepFailure("message timestamp " + f.timestampNanos() + " ns is not within " + tol + "s of now");
        }
        if (st.has("attempts")) {
            String r = JsonMatcher.match(st.get("attempts"), IntNode.valueOf(f.attempts()), "attempts");
            if (r != null) {
                throw new StepFailure(r + " in " + f.describe());
            }
        }
    }

    static void checkMessage(Step st, Frame f, Variables vars) {
        checkMessageBasics(st, f);
        if (st.has("body")) {
            byte[] exp = ByteExpr.build(st.get("body"), vars);
            if (!Arrays.equals(f.body(), exp)) {
                throw new StepFailure("expected message body " + Show.bytes(exp) + ", got " + f.describe());
            }
        }
        if (st.has("body_regex")) {
            String rx = vars.expand(st.text("body_regex", ""));
            if (!JsonMatcher.regex(rx, 0).matcher(Decode.text(f.body())).find()) {
                throw new StepFailure("expected body matching /" + rx + "/, got " + f.describe());
            }
        }
        if (st.has("id")) {
            byte[] exp = ByteExpr.build(st.get("id"), vars);
            if (!Arrays.equals(f.id(), exp)) {
                throw new StepFailure("expected message id " + Show.bytes(exp) + ", got " + f.describe());
            }
        }
        if (st.has("capture_id")) {
            vars.put(st.text("capture_id", ""), Decode.text(f.id()));
        }
        if (st.has("capture_body")) {
            vars.put(st.text("capture_body", ""), Decode.text(f.body()));
        }
        if (st.has("capture_ts")) {
            vars.put(st.text("capture_ts", ""), Long.toString(f.timestampNanos()));
        }
    }
}
