package dev.nsq.daemon.flags;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * NSQ's {@code --config} file: TOML whose keys are the options' config names (the flag name with
 * '_' for '-', or a name of its own such as {@code nsqlookupd_tcp_addresses}). Precedence as NSQ:
 * a flag on the command line beats the file, the file beats the default.
 */
public final class ConfigFile {
    private ConfigFile() {}

    /**
     * Applies the file to every flag not given on the command line. Keys that name no flag are
     * skipped, as NSQ's options.Resolve only looks up the options it has (a deploy file written for
     * NSQ keeps working); they are returned so the daemon can log them.
     *
     * @param aliases config names that differ from the flag's ({@code nsqlookupd_tcp_addresses} →
     *                {@code lookupd-tcp-address})
     */
    public static List<String> apply(FlagSet flags, Path file, Map<String, String> aliases) throws IOException {
        List<String> ignored = new ArrayList<>();
        JsonNode root = new TomlMapper().readTree(file.toFile());
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String flag = aliases.getOrDefault(e.getKey(), e.getKey().replace('_', '-'));
            if (!flags.has(flag)) {
                ignored.add(e.getKey());
                continue;
            }
            if (flags.seen().contains(flag)) continue; // the command line wins
            JsonNode v = e.getValue();
            if (v.isArray()) {
                for (JsonNode item : v) flags.set(flag, item.asText());
            } else {
                flags.set(flag, v.asText());
            }
        }
        return ignored;
    }

    /** The value of {@code --config} among the arguments, or null. */
    public static String pathFromArgs(String... args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--config") || a.equals("-config")) return i + 1 < args.length ? args[i + 1] : null;
            if (a.startsWith("--config=")) return a.substring("--config=".length());
            if (a.startsWith("-config=")) return a.substring("-config=".length());
        }
        return null;
    }
}
