package dev.nsq.nsqd.diskqueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A file-backed FIFO in go-diskqueue v1.1.0's on-disk layout, so a data directory moves between
 * NSQ and us in both directions:
 * <ul>
 * <li>data files {@code <name>.diskqueue.%06d.dat} of records {@code [int32 BE length][payload]},
 *     rolled when a record would push a non-empty file past {@code maxBytesPerFile};</li>
 * <li>metadata {@code <name>.diskqueue.meta.dat}: {@code "%d\n%d,%d\n%d,%d\n"} = depth,
 *     readFileNum,readPos, writeFileNum,writePos, written to a temp file and renamed;</li>
 * <li>fully read files are deleted; a corrupt file is renamed {@code .bad} and skipped.</li>
 * </ul>
 * Unlike go-diskqueue, a record read is not gone yet: the read position written to the metadata is
 * that of the oldest record not yet {@linkplain #ack acknowledged} (see {@link ReadWindow}), with
 * depth counting everything from there. A crash then re-reads what was in flight (at least once)
 * instead of losing it, and NSQ reading our metadata does the same.
 *
 * <p>Blocking I/O: call it only from a worker thread (nsqd runs each queue on its own ordered
 * worker context, {@link DiskContext}). Not thread-safe on its own.
 */
public final class DiskQueue {
    private static final Logger log = LoggerFactory.getLogger(DiskQueue.class);

    private final String name;
    private final Path dir;
    private final long maxBytesPerFile;
    private final int minMsgSize;
    private final int maxMsgSize;
    private final long syncEvery;

    private long depth;
    private long readFileNum, readPos;
    private long writeFileNum, writePos;
    private long maxBytesPerFileRead;
    /** Records handed out and not yet acknowledged; their oldest start is the persisted read position. */
    private final ReadWindow window = new ReadWindow();
    /** Files below this number are deleted; files from here to the read file wait for acknowledgements. */
    private long oldestFileNum;

    private FileChannel writeFile;
    private DataInputStream reader;
    private InputStream readStream;
    private long opsSinceSync;
    private boolean dirty;
    /** After delete() nothing may write its files again (a late sync would resurrect the metadata). */
    private boolean deleted;
    private long payloadBytesAtOpen;
    /** Null unless acknowledgements are tracked (see {@link AckLog}). */
    private final AckLog ackLog;
    /** Records acknowledged before the last stop, ahead of the read position: reading skips them. */
    private java.util.Set<Long> skip = java.util.Set.of();
    /** The data file {@link #readAt} read last, kept open for the next. */
    private RandomAccessFile heldReader;
    private long heldReaderFileNum = -1;

    public DiskQueue(String name, Path dir, long maxBytesPerFile, int minMsgSize, int maxMsgSize, long syncEvery) throws IOException {
        this(name, dir, maxBytesPerFile, minMsgSize, maxMsgSize, syncEvery, false);
    }

    /**
     * With {@code trackAcks}, records acknowledged out of order are written to an {@link AckLog}
     * and skipped after a restart instead of being read again.
     */
    public DiskQueue(String name, Path dir, long maxBytesPerFile, int minMsgSize, int maxMsgSize, long syncEvery,
                     boolean trackAcks) throws IOException {
        this.name = name;
        this.ackLog = trackAcks ? new AckLog(dir.resolve(name + ".diskqueue.acked.dat")) : null;
        this.dir = dir;
        this.maxBytesPerFile = maxBytesPerFile;
        this.minMsgSize = minMsgSize;
        this.maxMsgSize = maxMsgSize;
        this.syncEvery = Math.max(1, syncEvery);
        Files.createDirectories(dir);
        retrieveMetadata();
    }

    public String name() { return name; }

    /** Records not yet read (those handed out and unacknowledged are not counted). */
    public long depth() { return depth; }

    /** A record and its sequence number, to {@link #ack} once it is safely elsewhere. */
    public record Record(byte[] data, long seq) {}

    Path dataFile(long num) { return dir.resolve(String.format("%s.diskqueue.%06d.dat", name, num)); }

    Path metaFile() { return dir.resolve(name + ".diskqueue.meta.dat"); }

    // ---- write -------------------------------------------------------------------------------

    /**
     * Records are gathered into one buffer per disk thread and written with one system call per run
     * that fits the current file: a write per record, from a heap buffer the JDK copied into a
     * direct one each time, cost more CPU than the rest of a publish. A run is at most this long.
     */
    private static final int RUN_BYTES = 1 << 20;
    private static final ThreadLocal<ByteBuffer> RUN_BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(RUN_BYTES));

    /**
     * Appends records; each is one message payload. Throws on a bad size or an I/O failure (the
     * records before the bad or failed run are written, as go-diskqueue's one-by-one writes).
     */
    public void put(List<byte[]> records) throws IOException {
        if (deleted) throw new IOException("disk queue " + name + " was deleted");
        for (int i = 0; i < records.size(); ) i = writeRun(records, i);
        opsSinceSync += records.size();
        dirty = true;
        if (opsSinceSync >= syncEvery) sync();
    }

    /** Writes the records from {@code from} on that fit the current file, at least one; returns the index after them. */
    private int writeRun(List<byte[]> records, int from) throws IOException {
        startRecord(records.get(from));
        long room = Math.max(maxBytesPerFile - writePos, 4L + records.get(from).length);
        int end = from;
        long bytes = 0;
        while (end < records.size()) {
            byte[] r = records.get(end);
            if (end > from && !validSize(r)) break; // written up to it; the next run throws
            long t = 4L + r.length;
            if (end > from && (bytes + t > room || bytes + t > RUN_BYTES)) break;
            bytes += t;
            end++;
        }
        ByteBuffer buf = bytes <= RUN_BYTES ? RUN_BUFFER.get().clear() : ByteBuffer.allocate((int) bytes);
        for (int i = from; i < end; i++) buf.putInt(records.get(i).length).put(records.get(i));
        write(buf.flip());
        writePos += bytes;
        depth += end - from;
        return end;
    }

    private void writeOne(byte[] data) throws IOException {
        startRecord(data);
        ByteBuffer buf = ByteBuffer.allocate(4 + data.length);
        write(buf.putInt(data.length).put(data).flip());
        writePos += 4L + data.length;
        depth++;
    }

    private boolean validSize(byte[] data) { return data.length >= minMsgSize && data.length <= maxMsgSize; }

    /** Checks a record's size, starts a new file when it would not fit this one, opens the file. */
    private void startRecord(byte[] data) throws IOException {
        int len = data.length;
        if (!validSize(data))
            throw new IOException("invalid message write size (" + len + ") minMsgSize=" + minMsgSize + " maxMsgSize=" + maxMsgSize);
        long total = 4L + len;
        if (writePos > 0 && writePos + total > maxBytesPerFile) {
            if (readFileNum == writeFileNum) maxBytesPerFileRead = writePos;
            writeFileNum++;
            writePos = 0;
            sync(); // go-diskqueue syncs whenever it starts a new file
            closeWriteFile();
        }
        if (writeFile == null) {
            writeFile = FileChannel.open(dataFile(writeFileNum), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            writeFile.position(writePos);
        }
    }

    private void write(ByteBuffer buf) throws IOException {
        try {
            while (buf.hasRemaining()) writeFile.write(buf);
        } catch (IOException e) {
            closeWriteFile(); // reopen (and re-seek) next time, as go-diskqueue does
            throw e;
        }
    }

    // ---- read --------------------------------------------------------------------------------

    /**
     * The next record, consumed (the read position moves past it), or null when empty. A corrupt
     * record makes the rest of its file unreadable: that file is renamed {@code .bad}, the queue
     * moves to the next one, and reading goes on.
     */
    public Record readOne() throws IOException {
        while (readFileNum < writeFileNum || (readFileNum == writeFileNum && readPos < writePos)) {
            try {
                Record r = readRecord();
                if (r != null) return r;
            } catch (IOException e) {
                handleReadError(e);
            }
        }
        if (depth != 0) {
            log.error("DISKQUEUE({}): read position reached write position with depth {} - resetting depth", name, depth);
            depth = 0;
            dirty = true;
        }
        return null;
    }

    private Record readRecord() throws IOException {
        if (reader == null) {
            Path f = dataFile(readFileNum);
            RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r");
            raf.seek(readPos);
            readStream = java.nio.channels.Channels.newInputStream(raf.getChannel());
            reader = new DataInputStream(new BufferedInputStream(readStream, 64 * 1024));
            maxBytesPerFileRead = maxBytesPerFile;
            if (readFileNum < writeFileNum) maxBytesPerFileRead = raf.length();
        }
        long startFile = readFileNum, startPos = readPos;
        int size;
        try {
            size = reader.readInt();
        } catch (EOFException e) {
            if (readFileNum < writeFileNum) { // a shorter complete file: go on with the next one
                advanceFile();
                return null;
            }
            throw e;
        }
        if (size < minMsgSize || size > maxMsgSize) throw new IOException("invalid message read size (" + size + ")");
        byte[] data = new byte[size];
        reader.readFully(data);
        readPos += 4L + size;
        depth--;
        // nothing persisted changes: the record moves from depth into the window
        long seq = window.add(startFile, startPos);
        boolean done = !skip.isEmpty() && skip.remove(AckLog.key(startFile, startPos));
        if (done && window.ack(seq)) { // acknowledged before the last stop: not handed out again
            dirty = true;
            deleteReadFiles();
        }
        if (readFileNum < writeFileNum && readPos >= maxBytesPerFileRead) advanceFile();
        return done ? null : new Record(data, seq);
    }

    /**
     * Up to {@code max} of the next records, in read order, without consuming them: the read
     * position, the window and the files stay as they are. Stops early at a record that cannot be
     * read (reading proper deals with it).
     */
    public List<byte[]> peek(int max) throws IOException {
        List<byte[]> out = new java.util.ArrayList<>();
        long fileNum = readFileNum, pos = readPos;
        while (out.size() < max && (fileNum < writeFileNum || (fileNum == writeFileNum && pos < writePos))) {
            Path f = dataFile(fileNum);
            if (Files.exists(f)) {
                try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) {
                    long end = fileNum < writeFileNum ? raf.length() : writePos;
                    raf.seek(pos);
                    DataInputStream in = new DataInputStream(new BufferedInputStream(
                            java.nio.channels.Channels.newInputStream(raf.getChannel()), 64 * 1024));
                    while (out.size() < max && pos + 4 <= end) {
                        int size = in.readInt();
                        if (size < minMsgSize || size > maxMsgSize || pos + 4 + size > end) return out;
                        byte[] data = new byte[size];
                        in.readFully(data);
                        pos += 4L + size;
                        out.add(data);
                    }
                }
            }
            if (out.size() < max) {
                fileNum++;
                pos = 0;
            }
        }
        return out;
    }

    /**
     * The records are safely elsewhere (finished, written back, handed on): once every older one is
     * too, the persisted read position moves past them and fully read files are deleted. One batch
     * counts as one operation towards --sync-every.
     */
    public void ack(long... seqs) throws IOException {
        boolean moved = false, logged = false;
        for (long seq : seqs) {
            moved |= window.ack(seq);
            if (ackLog != null && window.contains(seq)) { // behind an unacknowledged record: remember it
                ackLog.add(window.fileNumOf(seq), window.posOf(seq));
                logged = true;
            }
        }
        if (!moved && !logged) return;
        dirty = true;
        deleteReadFiles();
        if (++opsSinceSync >= syncEvery) sync();
    }

    /** Records handed out and not yet acknowledged. */
    public int unacknowledged() { return window.size(); }

    /**
     * Appends a record that is handed out at once: it joins the read window, unacknowledged, without
     * being read (a journal whose reader always stands at its end: every earlier record was read or
     * put this way). Returns its sequence number, for {@link #readAt} and {@link #ack}.
     */
    public long putHeld(byte[] data) throws IOException {
        if (deleted) throw new IOException("disk queue " + name + " was deleted");
        if (readFileNum != writeFileNum || readPos != writePos) throw new IOException("disk queue " + name + " has unread records");
        writeOne(data); // may start a new file first: the record is at the end of the current one
        long start = writePos - 4L - data.length;
        depth--;
        closeReader();
        readFileNum = writeFileNum;
        readPos = writePos;
        long seq = window.add(writeFileNum, start);
        dirty = true;
        if (++opsSinceSync >= syncEvery) sync();
        return seq;
    }

    /** The data of a record in the read window (handed out, not yet acknowledged), read again from its file. */
    public byte[] readAt(long seq) throws IOException {
        if (!window.contains(seq)) throw new IOException("record " + seq + " is not held by disk queue " + name);
        long fileNum = window.fileNumOf(seq);
        if (heldReader == null || heldReaderFileNum != fileNum) {
            closeHeldReader();
            heldReader = new RandomAccessFile(dataFile(fileNum).toFile(), "r");
            heldReaderFileNum = fileNum;
        }
        heldReader.seek(window.posOf(seq));
        int size = heldReader.readInt();
        if (size < minMsgSize || size > maxMsgSize) throw new IOException("invalid message read size (" + size + ")");
        byte[] data = new byte[size];
        heldReader.readFully(data);
        return data;
    }

    private void closeHeldReader() {
        if (heldReader == null) return;
        try {
            heldReader.close();
        } catch (IOException ignored) {
        }
        heldReader = null;
        heldReaderFileNum = -1;
    }

    private long committedFileNum() { return window.isEmpty() ? readFileNum : window.headFileNum(); }

    private long committedPos() { return window.isEmpty() ? readPos : window.headPos(); }

    private void deleteReadFiles() throws IOException {
        long keep = committedFileNum();
        if (heldReaderFileNum >= 0 && heldReaderFileNum < keep) closeHeldReader();
        for (; oldestFileNum < keep; oldestFileNum++) Files.deleteIfExists(dataFile(oldestFileNum));
    }

    private void advanceFile() throws IOException {
        closeReader();
        readFileNum++;
        readPos = 0;
        deleteReadFiles();
        dirty = true;
    }

    private void handleReadError(IOException e) throws IOException {
        log.error("DISKQUEUE({}): failed to read data file {} - {}; skipping it", name, dataFile(readFileNum).getFileName(), e.toString());
        closeReader();
        Path bad = dataFile(readFileNum);
        if (Files.exists(bad)) {
            Files.move(bad, bad.resolveSibling(bad.getFileName() + ".bad"), StandardCopyOption.REPLACE_EXISTING);
        }
        readFileNum++;
        readPos = 0;
        if (readFileNum > writeFileNum) {
            closeWriteFile();
            writeFileNum = readFileNum;
            writePos = 0;
        }
        if (readFileNum == writeFileNum && readPos >= writePos) depth = 0;
        dirty = true;
        sync();
    }

    // ---- housekeeping ------------------------------------------------------------------------

    /** Deletes every file and starts over at file 0 (empty, or delete of a topic/channel). */
    public void empty() throws IOException {
        closeReader();
        closeHeldReader();
        closeWriteFile();
        if (ackLog != null) ackLog.delete();
        skip = java.util.Set.of();
        for (long n = oldestFileNum; n <= writeFileNum; n++) Files.deleteIfExists(dataFile(n));
        // go-diskqueue's skipToNextRWFile: both positions move to a fresh file
        window.clear();
        writeFileNum++;
        readFileNum = writeFileNum;
        oldestFileNum = readFileNum;
        readPos = writePos = 0;
        depth = 0;
        dirty = true;
        sync();
    }

    /** Removes every file including the metadata (topic or channel deleted). */
    public void delete() throws IOException {
        deleted = true;
        closeReader();
        closeHeldReader();
        closeWriteFile();
        if (ackLog != null) ackLog.delete();
        for (long n = Math.min(oldestFileNum, readFileNum); n <= writeFileNum; n++) Files.deleteIfExists(dataFile(n));
        Files.deleteIfExists(metaFile());
    }

    /** fsyncs the current data file and writes the metadata, if anything changed. */
    public void sync() throws IOException {
        if (deleted) return;
        if (writeFile != null) writeFile.force(false);
        if (ackLog != null) ackLog.sync(window); // before the metadata: a crash between them re-reads, never skips
        persistMetadata();
        opsSinceSync = 0;
        dirty = false;
    }

    public boolean isDirty() { return dirty; }

    public void close() throws IOException {
        try {
            sync();
        } finally {
            closeReader();
            closeHeldReader();
            closeWriteFile();
            if (ackLog != null) ackLog.close();
        }
    }

    private void closeReader() {
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException ignored) {
            }
            reader = null;
            readStream = null;
        }
    }

    private void closeWriteFile() {
        if (writeFile != null) {
            try {
                writeFile.close();
            } catch (IOException ignored) {
            }
            writeFile = null;
        }
    }

    private void retrieveMetadata() throws IOException {
        Path meta = metaFile();
        if (!Files.exists(meta)) return;
        String[] lines = Files.readString(meta, StandardCharsets.US_ASCII).split("\n");
        try {
            depth = Long.parseLong(lines[0].trim());
            String[] r = lines[1].trim().split(",");
            String[] w = lines[2].trim().split(",");
            readFileNum = Long.parseLong(r[0]);
            readPos = Long.parseLong(r[1]);
            oldestFileNum = readFileNum;
            writeFileNum = Long.parseLong(w[0]);
            writePos = Long.parseLong(w[1]);
            if (ackLog != null) skip = ackLog.load(readFileNum, readPos);
        } catch (RuntimeException e) {
            log.error("DISKQUEUE({}): corrupt metadata {} - starting empty", name, meta.getFileName());
            depth = readFileNum = readPos = writeFileNum = writePos = 0;
            return;
        }
        payloadBytesAtOpen = bytesBetween(readFileNum, readPos, writeFileNum, writePos) - 4L * depth;
        // data written after the last metadata sync may be partial: never append after it
        Path wf = dataFile(writeFileNum);
        if (Files.exists(wf) && Files.size(wf) > writePos) {
            log.warn("DISKQUEUE({}): {} is longer than its recorded write position {} - skipping to a new file",
                    name, wf.getFileName(), writePos);
            writeFileNum++;
            writePos = 0;
        } else if (writePos > 0 && depth > 0) {
            // We read lazily (only as consumers ask), so corruption in the backlog may be found
            // late; new writes start a fresh file so skipping a bad old file never takes them too.
            writeFileNum++;
            writePos = 0;
        }
    }

    /** Bytes of the data files from one position up to another (missing files count as empty). */
    private long bytesBetween(long fromFile, long fromPos, long toFile, long toPos) throws IOException {
        long total = 0;
        for (long n = fromFile; n <= toFile; n++) {
            Path f = dataFile(n);
            long end = n == toFile ? toPos : Files.exists(f) ? Files.size(f) : 0;
            total += Math.max(0, end - (n == fromFile ? fromPos : 0));
        }
        return total;
    }

    /**
     * Bytes of the record payloads (length prefixes excluded) the queue held when it was opened, for
     * owners that count what they hold (--max-bytes-per-queue); 0 for a new queue.
     */
    public long payloadBytesAtOpen() { return Math.max(0, payloadBytesAtOpen); }

    private void persistMetadata() throws IOException {
        String text = (depth + window.size()) + "\n" + committedFileNum() + "," + committedPos() + "\n"
                + writeFileNum + "," + writePos + "\n";
        Path tmp = dir.resolve(name + ".diskqueue.meta.dat." + Long.toHexString(System.nanoTime()) + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        Files.move(tmp, metaFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
