package dev.nsq.daemon.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * NSQ's log levels (debug=1 .. fatal=5) mapped onto logback's root logger; every daemon's
 * {@code --log-level} and {@code /config/log_level}. Logback is the daemons' binding.
 */
public final class LogLevel {
    private LogLevel() {}

    /** True for the names NSQ accepts (debug, info, warn, error, fatal; any case). */
    public static boolean isValid(String level) {
        return switch (level.toLowerCase()) {
            case "debug", "info", "warn", "error", "fatal" -> true;
            default -> false;
        };
    }

    public static int number(String level) {
        return switch (level.toLowerCase()) {
            case "debug" -> 1;
            case "info" -> 2;
            case "warn" -> 3;
            case "error" -> 4;
            case "fatal" -> 5;
            default -> 2;
        };
    }

    /** Sets the root level; false for a name NSQ would reject. */
    public static boolean apply(String level) {
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
