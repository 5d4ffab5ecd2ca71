package dev.nsq.client;

import java.io.IOException;

/**
 * A command's connection closed before nsqd answered it. Whether nsqd acted on the command is
 * unknown; the caller may retry (at-least-once, as with any NSQ client).
 */
public final class ConnectionClosedException extends IOException {
    public ConnectionClosedException(String message) { super(message); }

    public ConnectionClosedException(String message, Throwable cause) { super(message, cause); }
}
