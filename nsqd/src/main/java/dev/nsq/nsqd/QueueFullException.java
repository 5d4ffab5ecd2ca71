package dev.nsq.nsqd;

import java.util.concurrent.CompletionException;

/**
 * A publish refused by --max-bytes-per-queue (ours): it would take the topic, or one of its
 * channels, over the bound. Nothing of it was accepted, so the producer may simply retry once
 * consumers have drained the queue: over TCP it is a non-fatal {@code E_PUB_FAILED} (MPUB, DPUB
 * alike), over HTTP a 503 {@code QUEUE_FULL}.
 */
final class QueueFullException extends RuntimeException {
    QueueFullException(String what, long heldBytes, long maxBytes) {
        super(what + " is full (" + heldBytes + " of " + maxBytes + " bytes held)", null, false, false);
    }

    /** True when {@code e}, or what it wraps, is a refusal of this kind. */
    static boolean isCause(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) e = e.getCause();
        return e instanceof QueueFullException;
    }
}
