package dev.nsq.daemon;

import dev.nsq.daemon.flags.FlagSet;
import dev.nsq.daemon.logging.LogLevel;
import dev.nsq.daemon.logging.LogPrefix;
import dev.nsq.protocol.Version;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Every daemon's {@code main}, as NSQ's apps do it: parse NSQ's flags (exit 2 with the usage on a
 * bad one), {@code --help}, {@code --version} ({@code nsqd v1.3.0 (built w/java17)}), set the log
 * level, start (exit 1 if that fails), then run until SIGTERM/SIGINT and stop cleanly.
 */
public final class DaemonMain {
    private DaemonMain() {}

    /** A daemon as its main sees it. */
    public interface Daemon {
        Future<Void> start();

        Future<Void> stop();
    }

    public static <O extends DaemonOptions> void run(String name, String[] args, Function<String[], O> parse,
                                               FlagSet usage, Function<O, Daemon> create) throws InterruptedException {
        O opts;
        try {
            opts = parse.apply(args);
        } catch (FlagSet.FlagException e) {
            System.err.println(e.getMessage());
            System.err.print(usage.usage());
            System.exit(2);
            return;
        }
        if (opts.showHelp) {
            System.out.print(opts.flagSet().usage());
            return;
        }
        if (opts.showVersion) {
            System.out.println(name + " v" + Version.NSQ_VERSION + " (built w/java" + Runtime.version().feature() + ")");
            return;
        }
        LogLevel.apply(opts.logLevel);
        LogPrefix.apply(opts.logPrefix);
        Logger log = LoggerFactory.getLogger(DaemonMain.class);
        for (String k : opts.ignoredConfigKeys) log.warn("config file: option {} is not known here, ignored", k);
        Daemon daemon = create.apply(opts);
        try {
            daemon.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.error("FATAL: failed to start {} - {}", name, e.getCause() == null ? e.toString() : e.getCause().toString());
            System.exit(1);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("{}: shutting down", name.toUpperCase());
            try {
                daemon.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.error("failed to stop cleanly", e);
            }
            stopped.countDown();
        }, name + "-shutdown"));
        stopped.await();
    }
}
