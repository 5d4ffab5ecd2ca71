package dev.nsq.nsqd;

/**
 * A consumer's delivery counters, as /stats reports them per client. Written only by the channel
 * the consumer is subscribed to, under that channel's lock (so plain increments are safe: one
 * writer at a time); volatile so that /stats and the consumer's own loop read them without it.
 */
final class ClientCounters {
    private volatile int inFlight;
    private volatile long messages;
    private volatile long finished;
    private volatile long requeued;
    private volatile long timedOut;

    /** A message was handed to the consumer. */
    void onSent() {
        inFlight++;
        messages++;
    }

    void onFinished() {
        inFlight--;
        finished++;
    }

    void onRequeued() {
        inFlight--;
        requeued++;
    }

    void onTimedOut() {
        inFlight--;
        timedOut++;
    }

    /** Its in-flight messages went back to the channel (it left, or the channel was emptied). */
    void clearInFlight() { inFlight = 0; }

    int inFlight() { return inFlight; }
    long messages() { return messages; }
    long finished() { return finished; }
    long requeued() { return requeued; }
    long timedOut() { return timedOut; }
}
