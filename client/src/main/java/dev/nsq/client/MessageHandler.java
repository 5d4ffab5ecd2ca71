package dev.nsq.client;

/**
 * A blocking handler: runs on one of the consumer's worker threads
 * ({@link ClientConfig#handlerConcurrency} of them), never on an event loop, so it may block.
 * Returning finishes the message; throwing requeues it with backoff.
 */
@FunctionalInterface
public interface MessageHandler {
    void handle(Message message) throws Exception;
}
