package dev.nsq.it.conformance;

/** Outcome of one case: passed, failed (with replay.py-style text) or skipped (with the reason). */
public record CaseResult(Status status, String message) {
    public enum Status { PASSED, FAILED, SKIPPED }

    static CaseResult passed() {
        return new CaseResult(Status.PASSED, "");
    }

    static CaseResult failed(String message) {
        return new CaseResult(Status.FAILED, message);
    }

    static CaseResult skipped(String reason) {
        return new CaseResult(Status.SKIPPED, reason);
    }
}
