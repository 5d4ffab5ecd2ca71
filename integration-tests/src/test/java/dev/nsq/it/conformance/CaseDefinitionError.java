package dev.nsq.it.conformance;

/** The case file itself is malformed: the recording, not the server, is at fault. */
final class CaseDefinitionError extends RuntimeException {
    CaseDefinitionError(String message) {
        super(message);
    }

    CaseDefinitionError(String message, Throwable cause) {
        super(message, cause);
    }
}
