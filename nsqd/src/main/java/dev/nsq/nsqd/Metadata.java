package dev.nsq.nsqd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nsq.protocol.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code nsqd.dat}: the durable topics and channels with their paused flags, in NSQ 1.3's JSON
 * ({@code "channels":null} for a topic without channels), written to a temp file, fsynced and
 * renamed. Blocking: call from a worker thread.
 */
final class Metadata {
    private static final Logger log = LoggerFactory.getLogger(Metadata.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonIgnoreProperties(ignoreUnknown = true)
    record File(@JsonProperty("topics") List<TopicMeta> topics, @JsonProperty("version") String version) {}

    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonIgnoreProperties(ignoreUnknown = true)
    record TopicMeta(@JsonProperty("name") String name, @JsonProperty("paused") boolean paused,
                     @JsonProperty("channels") List<ChannelMeta> channels) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ChannelMeta(@JsonProperty("name") String name, @JsonProperty("paused") boolean paused) {}

    private Metadata() {}

    static Path path(Path dataPath) { return dataPath.resolve("nsqd.dat"); }

    /** The saved state, or an empty list when there is none; a corrupt file is logged and ignored. */
    static List<TopicMeta> load(Path dataPath) {
        Path p = path(dataPath);
        if (!Files.exists(p)) return List.of();
        try {
            File f = JSON.readValue(p.toFile(), File.class);
            return f.topics() == null ? List.of() : f.topics();
        } catch (IOException e) {
            log.error("NSQ: failed to parse metadata {} - {}", p, e.toString());
            return List.of();
        }
    }

    static void save(Path dataPath, List<TopicMeta> topics) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(new File(topics, Version.NSQ_VERSION));
        Path tmp = dataPath.resolve("nsqd.dat." + ThreadLocalRandom.current().nextInt(1 << 30) + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(bytes));
            ch.force(true);
        }
        Files.move(tmp, path(dataPath), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
