package dev.nsq.daemon.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.LoggerFactory;

import java.util.Iterator;

/**
 * Every daemon's {@code --log-prefix} (NSQ's default is the daemon's name in brackets, e.g.
 * {@code "[nsqd] "}): the text before each log line. Our logback.xml patterns start with that
 * default; this swaps whatever stands before the pattern's first conversion word for the flag's
 * text, on every console or file appender of the root logger.
 */
public final class LogPrefix {
    private LogPrefix() {}

    /** Applies {@code prefix}; false when logback is not the binding or nothing could be changed. */
    public static boolean apply(String prefix) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) return false;
        boolean changed = false;
        for (Iterator<Appender<ILoggingEvent>> it = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders(); it.hasNext(); ) {
            if (!(it.next() instanceof OutputStreamAppender<ILoggingEvent> out)) continue;
            if (!(out.getEncoder() instanceof PatternLayoutEncoder old)) continue;
            PatternLayoutEncoder enc = new PatternLayoutEncoder();
            enc.setContext(ctx);
            enc.setPattern(escape(prefix) + withoutPrefix(old.getPattern()));
            enc.start();
            out.stop();
            out.setEncoder(enc);
            out.start();
            changed = true;
        }
        return changed;
    }

    /** The pattern from its first conversion word ({@code %...}) on. */
    static String withoutPrefix(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\') i++; // an escaped character belongs to the literal prefix
            else if (c == '%') return pattern.substring(i);
        }
        return pattern;
    }

    /** Logback reads %, (, ) and \ in a pattern as syntax; a prefix is literal text. */
    static String escape(String literal) {
        StringBuilder b = new StringBuilder(literal.length() + 4);
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == '%' || c == '(' || c == ')' || c == '\\') b.append('\\');
            b.append(c);
        }
        return b.toString();
    }
}
