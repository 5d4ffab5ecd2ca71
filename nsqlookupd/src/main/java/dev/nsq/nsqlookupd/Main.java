package dev.nsq.nsqlookupd;

import dev.nsq.protocol.Version;
import dev.nsq.protocol.flags.FlagSet;
import dev.nsq.protocol.flags.LogLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code nsqlookupd}: parse NSQ's flags, start, stop cleanly on SIGTERM/SIGINT. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        NsqlookupdOptions opts;
        try {
            opts = NsqlookupdOptions.fromArgs(args);
        } catch (FlagSet.FlagException e) {
            System.err.println(e.getMessage());
            System.err.print(new NsqlookupdOptions().flagSet().usage());
            System.exit(2);
            return;
        }
        if (opts.showHelp) {
            System.out.print(opts.flagSet().usage());
            return;
        }
        if (opts.showVersion) {
            System.out.println("nsqlookupd v" + Version.NSQ_VERSION + " (built w/java" + Runtime.version().feature() + ")");
            return;
        }
        LogLevel.apply(opts.logLevel);
        Logger log = LoggerFactory.getLogger(Main.class);
        for (String k : opts.ignoredConfigKeys) log.warn("config file: option {} is not known here, ignored", k);
        Nsqlookupd lookupd = new Nsqlookupd(opts);
        try {
            lookupd.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.error("FATAL: failed to start nsqlookupd - {}", e.getCause() == null ? e.toString() : e.getCause().toString());
            System.exit(1);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("NSQLOOKUPD: shutting down");
            try {
                lookupd.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.error("failed to stop cleanly", e);
            }
            stopped.countDown();
        }, "nsqlookupd-shutdown"));
        stopped.await();
    }
}
