package dev.nsq.nsqadmin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** NSQ's log levels (debug=1 .. fatal=5) mapped onto logback's root logger. */
final class LogLevel {
    private LogLevel() {}

    /** NSQ's number for a level name, -1 for a name NSQ rejects. */
    static int number(String level) {
        return switch (level.toLowerCase()) {
            case "debug" -> 1;
            case "info" -> 2;
            case "warn" -> 3;
            case "error" -> 4;
            case "fatal" -> 5;
            default -> -1;
        };
    }

    /** Sets the root level; false for a name NSQ would reject. */
    static boolean apply(String level) {
        Level l = switch (level.toLowerCase()) {
            case "debug" -> Level.DEBUG;
            case "info" -> Level.INFO;
            case "warn" -> Level.WARN;
            case "error", "fatal" -> Level.ERROR;
            default -> null;
        };
        if (l == null) return false;
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) root.setLevel(l);
        return true;
    }
}
