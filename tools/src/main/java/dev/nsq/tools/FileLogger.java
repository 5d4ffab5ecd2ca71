package dev.nsq.tools;

import dev.nsq.client.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Writes one topic's messages to files for nsq_to_file: a line per message, files named from the
 * filename format and rotated when the date-time text changes, past {@code --rotate-size} bytes or
 * {@code --rotate-interval}. A message is finished only after the file holding it was fsynced (on
 * each sync interval, when max-in-flight messages wait, and on rotation), so a crash loses nothing
 * nsqd considers done. A closed file moves from the work dir to the output dir. Thread-safe (one lock).
 */
final class FileLogger {
    private static final Logger log = LoggerFactory.getLogger(FileLogger.class);

    /** The flags that shape files. */
    record Options(Path outputDir, Path workDir, String datetimeFormat, String filenameFormat, String host,
                   boolean gzip, int gzipLevel, boolean skipEmptyFiles, long rotateSize, long rotateIntervalMs,
                   int maxInFlight) {}

    private final String topic;
    private final Options o;
    private final List<Message> pending = new ArrayList<>();
    private FileOutputStream file;
    private OutputStream out;
    private Path path;
    private String datetime;
    private long openedAtMs;
    private long written;

    FileLogger(String topic, Options o) {
        this.topic = topic;
        this.o = o;
    }

    synchronized void write(Message m) throws IOException {
        rotateIfDue();
        if (out == null) open();
        out.write(m.body());
        out.write('\n');
        written += m.body().length + 1;
        pending.add(m);
        if (pending.size() >= o.maxInFlight()) sync();
        if (o.rotateSize() > 0 && written >= o.rotateSize()) close();
    }

    /** On the sync timer: rotation by time, then fsync and FIN what waits. */
    synchronized void tick() throws IOException {
        rotateIfDue();
        sync();
    }

    synchronized void sync() throws IOException {
        if (out != null) {
            out.flush();
            file.getFD().sync();
        }
        for (Message m : pending) m.finish();
        pending.clear();
    }

    synchronized void close() throws IOException {
        sync();
        if (out == null) return;
        out.close(); // writes the gzip trailer
        out = null;
        file = null;
        if (!o.workDir().equals(o.outputDir())) {
            Path dest = o.outputDir().resolve(path.getFileName());
            Files.move(path, dest, StandardCopyOption.ATOMIC_MOVE);
            log.info("[{}] moved {} to {}", topic, path, dest);
        } else {
            log.info("[{}] closed {}", topic, path);
        }
    }

    private void rotateIfDue() throws IOException {
        if (out == null) return;
        boolean due = !Strftime.format(o.datetimeFormat(), LocalDateTime.now()).equals(datetime)
                || (o.rotateIntervalMs() > 0 && System.currentTimeMillis() - openedAtMs >= o.rotateIntervalMs());
        if (due) close();
    }

    private void open() throws IOException {
        datetime = Strftime.format(o.datetimeFormat(), LocalDateTime.now());
        Files.createDirectories(o.workDir());
        Files.createDirectories(o.outputDir());
        for (int rev = 0; ; rev++) {
            String name = o.filenameFormat().replace("<TOPIC>", topic).replace("<HOST>", o.host())
                    .replace("<REV>", rev == 0 ? "" : "-" + rev).replace("<DATETIME>", datetime);
            Path candidate = o.workDir().resolve(name);
            // never append to a file from an earlier run: it may be gzip-closed or moved already
            if (Files.exists(candidate) || Files.exists(o.outputDir().resolve(name))) {
                if (!o.filenameFormat().contains("<REV>")) throw new IOException("file " + candidate + " exists and the format has no <REV>");
                continue;
            }
            path = candidate;
            break;
        }
        file = new FileOutputStream(path.toFile());
        OutputStream base = new BufferedOutputStream(file, 64 * 1024);
        out = o.gzip() ? new LeveledGzip(base, o.gzipLevel()) : base;
        openedAtMs = System.currentTimeMillis();
        written = 0;
        log.info("[{}] opening {}", topic, path);
    }

    /** Gzip at a chosen level, sync-flushed so each fsync holds whole messages. */
    private static final class LeveledGzip extends GZIPOutputStream {
        LeveledGzip(OutputStream out, int level) throws IOException {
            super(out, 8192, true);
            def.setLevel(level);
        }
    }
}
