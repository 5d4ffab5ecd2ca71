package dev.nsq.it.conformance;

/** A step's expectation did not hold: the server under test is at fault. */
final class StepFailure extends RuntimeException {
    StepFailure(String message) {
        super(message, null, false, false);
    }
}
