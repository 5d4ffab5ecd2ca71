package dev.nsq.daemon.flags;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ConfigFileTest {
    @TempDir Path dir;

    @Test
    void tomlFillsFlagsTheCommandLineDidNotSet() throws Exception {
        Path cfg = dir.resolve("nsqd.cfg");
        Files.writeString(cfg, """
                mem_queue_size = 500
                msg_timeout = "30s"
                tcp_address = "0.0.0.0:9999"
                nsqlookupd_tcp_addresses = ["a:4160", "b:4160"]
                """);
        long[] mem = {0};
        long[] timeout = {0};
        String[] tcp = {""};
        List<String> lookupds = new ArrayList<>();
        FlagSet f = new FlagSet("nsqd")
                .integer("mem-queue-size", 10000, "", v -> mem[0] = v)
                .duration("msg-timeout", 60000, "", v -> timeout[0] = v)
                .string("tcp-address", "", "", v -> tcp[0] = v)
                .list("lookupd-tcp-address", "", lookupds::add)
                .string("config", "", "", v -> { });
        f.parse("--tcp-address=127.0.0.1:1", "--config", cfg.toString());
        ConfigFile.apply(f, cfg, Map.of("nsqlookupd_tcp_addresses", "lookupd-tcp-address"));
        assertEquals(500, mem[0]);
        assertEquals(30000, timeout[0]);
        assertEquals("127.0.0.1:1", tcp[0], "the command line wins over the file");
        assertEquals(List.of("a:4160", "b:4160"), lookupds);
        assertEquals(cfg.toString(), ConfigFile.pathFromArgs("--x", "--config", cfg.toString()));
    }

    @Test
    void unknownKeysAreSkippedAndReportedAsNsqDoes() throws Exception {
        Path cfg = dir.resolve("other.cfg");
        Files.writeString(cfg, "no_such_option = 1\nmem_queue_size = 7\n");
        long[] mem = {0};
        FlagSet f = new FlagSet("x").integer("mem-queue-size", 1, "", v -> mem[0] = v);
        assertEquals(List.of("no_such_option"), ConfigFile.apply(f, cfg, Map.of()));
        assertEquals(7, mem[0]);
    }
}
