package dev.nsq.nsqadmin;

import dev.nsq.protocol.Version;
import dev.nsq.daemon.flags.FlagSet;
import dev.nsq.daemon.logging.LogLevel;
import dev.nsq.daemon.logging.LogPrefix;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code nsqadmin}: parse NSQ's flags, start, stop cleanly on SIGTERM/SIGINT. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        NsqadminOptions opts;
        try {
            opts = NsqadminOptions.fromArgs(args);
        } catch (FlagSet.FlagException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (opts.showHelp) {
            System.out.print(opts.flagSet().usage());
            return;
        }
        if (opts.showVersion) {
            System.out.println("nsqadmin v" + Version.NSQ_VERSION + " (built w/java" + Runtime.version().feature() + ")");
            return;
        }
        LogLevel.apply(opts.logLevel);
        LogPrefix.apply(opts.logPrefix);
        Logger log = LoggerFactory.getLogger(Main.class);
        if (!opts.ignoredConfigKeys.isEmpty()) log.warn("CONFIG: ignoring unknown options {}", opts.ignoredConfigKeys);
        Nsqadmin admin = new Nsqadmin(opts);
        try {
            admin.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.error("FATAL: failed to start nsqadmin - {}", e.getCause() == null ? e.toString() : e.getCause().toString());
            System.exit(1);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("NSQADMIN: shutting down");
            try {
                admin.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.error("failed to stop cleanly", e);
            }
            stopped.countDown();
        }, "nsqadmin-shutdown"));
        stopped.await();
    }
}
