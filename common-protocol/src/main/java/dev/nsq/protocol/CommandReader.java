package dev.nsq.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Incremental reader for NSQ's command streams (V2 client protocol and V1 lookup protocol): in line
 * mode it hands each {@code \n}-terminated command line (one trailing {@code \r} stripped) to the
 * {@link LineHandler}; a handler that needs bytes after its line (a body size, a body, an MPUB
 * message) asks for them with {@link #read(int, Step)} and gets exactly that many bytes once they
 * have arrived. So a command is answered as soon as NSQ would answer it (an MPUB count is judged
 * before the messages arrive), and a slow client costs only the bytes it has sent.
 *
 * <p>A reader may be given a turn: the number of steps (lines and requested reads) it handles per
 * {@link #feed}, {@link #proceed} or {@link #resume} call. When a turn runs out the call returns
 * false and the owner calls {@link #proceed()} later, so a connection with a backlog of commands
 * shares its event loop with the others instead of holding it.
 *
 * <p>Not thread-safe: owned by one connection's event loop.
 */
public final class CommandReader {
    /** Receives one command line, split on single spaces as NSQ does (double spaces give empty params). */
    public interface LineHandler {
        void onLine(List<String> parts) throws Exception;

        /**
         * May handle a line straight from its bytes ({@code start} to {@code end}, without the
         * newline) before it is split into Strings: the hot commands (a consumer's FIN per message)
         * then make no garbage. Returns false to have {@link #onLine} handle it.
         */
        default boolean onRawLine(ByteBuf line, int start, int end) throws Exception { return false; }

        /** The line exceeded the limit without a newline: NSQ's buffered reader gives up and closes. */
        void onLineTooLong();

        /** A handler threw: the handler answers, and calls {@link #stop()} if the stream cannot go on. */
        void onFailure(Throwable t);
    }

    /** Receives bytes requested by {@link #read}. The slice is valid only during the call. */
    @FunctionalInterface
    public interface Step {
        void accept(ByteBuf bytes) throws Exception;
    }

    private final LineHandler handler;
    private final int maxLineLength;
    private final int stepsPerTurn;
    private ByteBuf cumulation;
    private int pendingLength = -1;
    private Step pendingStep;
    private boolean stopped;
    private boolean paused;
    private boolean processing;

    /** A reader that handles everything it can per call (no turns). */
    public CommandReader(LineHandler handler, int maxLineLength) {
        this(handler, maxLineLength, Integer.MAX_VALUE);
    }

    public CommandReader(LineHandler handler, int maxLineLength, int stepsPerTurn) {
        this.handler = handler;
        this.maxLineLength = maxLineLength;
        this.stepsPerTurn = stepsPerTurn;
    }

    /** Requests the next {@code length} bytes of the stream for {@code step} (call from a handler). */
    public void read(int length, Step step) {
        if (pendingStep != null) throw new IllegalStateException("a read is already pending");
        pendingLength = length;
        pendingStep = step;
    }

    /** Stops for good: nothing more is parsed (after a fatal error). */
    public void stop() {
        stopped = true;
        release();
    }

    /** Holds parsing until {@link #resume()}, for a command that completes asynchronously. */
    public void pause() { paused = true; }

    /** Parses on after {@link #pause()}; false when the turn ran out (call {@link #proceed()} later). */
    public boolean resume() {
        paused = false;
        return processing || process();
    }

    /** Parses on after a turn ran out; false when this turn ran out too. */
    public boolean proceed() {
        return processing || process();
    }

    public boolean isStopped() { return stopped; }

    /**
     * Appends what arrived (the caller keeps ownership of {@code in}) and parses what it can in one
     * turn; false when the turn ran out with bytes left (call {@link #proceed()} later).
     */
    public boolean feed(ByteBuf in) {
        if (stopped) return true;
        if (cumulation == null) {
            cumulation = ByteBufAllocator.DEFAULT.buffer(Math.max(256, in.readableBytes()));
        } else if (cumulation.readerIndex() > 0 && cumulation.writableBytes() < in.readableBytes()) {
            cumulation.discardReadBytes();
        }
        cumulation.writeBytes(in, in.readerIndex(), in.readableBytes());
        return processing || process();
    }

    private boolean process() {
        processing = true;
        int budget = stepsPerTurn;
        try {
            boolean more = true;
            while (more && !stopped && !paused && cumulation != null) {
                if (budget-- == 0) return false;
                try {
                    more = step();
                } catch (Throwable t) {
                    // the handler decides: a fatal error calls stop(), a non-fatal one lets parsing go on
                    pendingStep = null;
                    pendingLength = -1;
                    handler.onFailure(t);
                }
            }
            return true;
        } finally {
            processing = false;
            if (stopped) release();
            else if (cumulation != null && !cumulation.isReadable() && pendingStep == null) cumulation.clear();
        }
    }

    /** Handles one pending read or one line; false when more bytes are needed. */
    private boolean step() throws Exception {
        if (pendingStep != null) {
            if (cumulation.readableBytes() < pendingLength) return false;
            Step step = pendingStep;
            int len = pendingLength;
            pendingStep = null;
            pendingLength = -1;
            step.accept(cumulation.readSlice(len));
            return true;
        }
        int start = cumulation.readerIndex();
        int nl = cumulation.indexOf(start, cumulation.writerIndex(), (byte) '\n');
        int lineLength = (nl < 0 ? cumulation.writerIndex() : nl) - start;
        if (lineLength > maxLineLength) {
            stopped = true;
            handler.onLineTooLong();
            return false;
        }
        if (nl < 0) return false;
        int end = nl;
        if (end > start && cumulation.getByte(end - 1) == '\r') end--;
        cumulation.readerIndex(nl + 1);
        if (handler.onRawLine(cumulation, start, end)) return true;
        handler.onLine(split(cumulation, start, end));
        return true;
    }

    private static List<String> split(ByteBuf b, int start, int end) {
        List<String> parts = new ArrayList<>(3);
        int from = start;
        for (int i = start; i < end; i++) {
            if (b.getByte(i) == ' ') {
                parts.add(b.toString(from, i - from, StandardCharsets.UTF_8));
                from = i + 1;
            }
        }
        parts.add(b.toString(from, end - from, StandardCharsets.UTF_8));
        return parts;
    }

    /** Frees the buffer; safe to call more than once. */
    public void release() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }
}
