package dev.nsq.client;

import java.util.concurrent.CompletionStage;

/**
 * A non-blocking handler: called on the consumer's event loop, so it must not block. Completing the
 * stage normally finishes the message; completing it exceptionally (or throwing) requeues it with backoff.
 */
@FunctionalInterface
public interface AsyncMessageHandler {
    CompletionStage<Void> handle(Message message);
}
