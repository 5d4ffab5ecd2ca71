package dev.nsq.it.tools;

import dev.nsq.tools.ToolMain;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs a tool's entry point in this JVM with given stdin, capturing stdout and stderr. */
final class ToolRun {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final CompletableFuture<Void> interrupt = new CompletableFuture<>();
    final ToolMain io;

    ToolRun(String stdin) {
        io = new ToolMain(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), interrupt);
    }

    String out() { return out.toString(StandardCharsets.UTF_8); }

    String err() { return err.toString(StandardCharsets.UTF_8); }

    int run(ToolMain.Tool tool, String... args) throws Exception { return tool.run(io, args); }

    /** Starts the tool on its own thread (for tools that run until interrupted). */
    Future<Integer> start(ToolMain.Tool tool, String... args) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tool-under-test");
            t.setDaemon(true);
            return t;
        }).submit(() -> tool.run(io, args));
    }
}
