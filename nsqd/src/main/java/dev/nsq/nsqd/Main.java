package dev.nsq.nsqd;

import dev.nsq.protocol.flags.LogLevel;

import dev.nsq.protocol.Version;
import dev.nsq.protocol.flags.FlagSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code nsqd}: parse NSQ's flags, start, stop cleanly on SIGTERM/SIGINT. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        NsqdOptions opts;
        try {
            opts = NsqdOptions.fromArgs(args);
        } catch (FlagSet.FlagException e) {
            System.err.println(e.getMessage());
            System.err.print(new NsqdOptions().flagSet().usage());
            System.exit(2);
            return;
        }
        if (opts.showHelp) {
            System.out.print(opts.flagSet().usage());
            return;
        }
        if (opts.showVersion) {
            System.out.println("nsqd v" + Version.NSQ_VERSION + " (built w/java" + Runtime.version().feature() + ")");
            return;
        }
        LogLevel.apply(opts.logLevel);
        Logger log = LoggerFactory.getLogger(Main.class);
        for (String k : opts.ignoredConfigKeys) log.warn("config file: option {} is not known here, ignored", k);
        Nsqd nsqd = new Nsqd(opts);
        try {
            nsqd.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.error("FATAL: failed to start nsqd - {}", e.getCause() == null ? e.toString() : e.getCause().toString());
            System.exit(1);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("NSQD: shutting down");
            try {
                nsqd.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.error("failed to stop cleanly", e);
            }
            stopped.countDown();
        }, "nsqd-shutdown"));
        stopped.await();
    }
}
