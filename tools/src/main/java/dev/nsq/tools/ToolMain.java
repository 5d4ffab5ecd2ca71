package dev.nsq.tools;

import dev.nsq.client.ClientConfig;
import dev.nsq.daemon.flags.FlagSet;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What every tool shares: its streams, a signal to stop (SIGINT/SIGTERM in a real process, a
 * completed future in tests), Go-style flag parsing with {@code --help}, and go-nsq
 * {@code key,value} options. A tool's {@code run} returns the process exit code.
 */
public final class ToolMain {
    public final InputStream in;
    public final PrintStream out;
    public final PrintStream err;
    /** Completed when the tool should stop as NSQ's do on a signal. */
    public final CompletableFuture<Void> interrupt;

    public ToolMain(InputStream in, PrintStream out, PrintStream err, CompletableFuture<Void> interrupt) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.interrupt = interrupt;
    }

    /** The real process: System streams, interrupt on SIGINT/SIGTERM; the hook waits for the tool to finish cleanly. */
    public static ToolMain system() {
        CompletableFuture<Void> interrupt = new CompletableFuture<>();
        ToolMain t = new ToolMain(System.in, System.out, System.err, interrupt);
        return t;
    }

    /** Runs a tool as a process: exit code from {@code body}, a signal completes {@link #interrupt} and waits for it. */
    public static void exec(Tool body, String[] args) {
        ToolMain t = system();
        CompletableFuture<Integer> done = new CompletableFuture<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            t.interrupt.complete(null);
            try {
                done.get(35, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // exiting anyway
            }
        }));
        int code;
        try {
            code = body.run(t, args);
        } catch (Exception e) {
            t.err.println("FATAL: " + e.getMessage());
            code = 1;
        }
        done.complete(code);
        t.out.flush();
        System.exit(code);
    }

    @FunctionalInterface
    public interface Tool {
        int run(ToolMain io, String[] args) throws Exception;
    }

    /** Parses flags; returns false (after printing usage or the error) when the tool should exit. */
    public boolean parse(FlagSet flags, boolean[] help, String[] args) {
        try {
            flags.parse(args);
        } catch (FlagSet.FlagException e) {
            err.println(e.getMessage());
            err.print(flags.usage());
            return false;
        }
        if (help[0]) {
            err.print(flags.usage());
            return false;
        }
        return true;
    }

    /** Applies go-nsq options given as {@code key,value}. */
    /**
     * The tools' Vert.x: Netty's native epoll transport where it loads, NIO elsewhere. With NIO a
     * paced bench_writer's event loop spent a third of its time in clock reads and empty selects.
     */
    public static io.vertx.core.Vertx vertx() {
        return io.vertx.core.Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
    }

    public static void applyOpts(ClientConfig cfg, List<String> opts) {
        for (String o : opts) {
            int comma = o.indexOf(',');
            if (comma < 0) throw new IllegalArgumentException("option must be key,value: " + o);
            cfg.set(o.substring(0, comma).trim(), o.substring(comma + 1).trim());
        }
    }

    /** Go's Duration.String for nanoseconds ("10.001371869s", "1m0.5s", "850ms", "2.77µs"). */
    public static String goDuration(long nanos) {
        if (nanos == 0) return "0s";
        StringBuilder b = new StringBuilder();
        if (nanos < 0) { b.append('-'); nanos = -nanos; }
        if (nanos < 1_000) return b.append(nanos).append("ns").toString();
        if (nanos < 1_000_000) return b.append(trim(nanos / 1e3)).append("µs").toString();
        if (nanos < 1_000_000_000) return b.append(trim(nanos / 1e6)).append("ms").toString();
        long h = nanos / 3_600_000_000_000L;
        long m = (nanos / 60_000_000_000L) % 60;
        long secNanos = nanos % 60_000_000_000L;
        if (h > 0) b.append(h).append('h');
        if (h > 0 || m > 0) b.append(m).append('m');
        String s = String.format("%d.%09d", secNanos / 1_000_000_000L, secNanos % 1_000_000_000L)
                .replaceAll("0+$", "").replaceAll("\\.$", "");
        return b.append(s).append('s').toString();
    }

    private static String trim(double v) {
        String s = String.format("%.9f", v).replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
