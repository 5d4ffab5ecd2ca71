package dev.nsq.nsqd;

import dev.nsq.daemon.flags.FlagSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class NsqdOptionsTest {
    @TempDir Path dir;

    @Test
    void nsqDeployConfigFileFillsWhatTheCommandLineLeavesOut() throws Exception {
        Path cfg = dir.resolve("nsqd.cfg");
        Files.writeString(cfg, """
                # as in NSQ's contrib/nsqd.cfg.example
                mem_queue_size = 50
                msg_timeout = "30s"
                tcp_address = "0.0.0.0:9999"
                nsqlookupd_tcp_addresses = ["10.0.0.1:4160", "10.0.0.2:4160"]
                statsd_address = "127.0.0.1:8125"
                topology_zone = "eu-1a"
                """);
        NsqdOptions o = NsqdOptions.fromArgs("--tcp-address=127.0.0.1:4150", "--config=" + cfg);
        assertEquals(50, o.memQueueSize);
        assertEquals(30_000, o.msgTimeoutMs);
        assertEquals("127.0.0.1:4150", o.tcpAddress, "the command line wins over the file");
        assertEquals(List.of("10.0.0.1:4160", "10.0.0.2:4160"), o.lookupdTcpAddresses);
        assertEquals("127.0.0.1:8125", o.statsdAddress);
        assertEquals(List.of("topology_zone"), o.ignoredConfigKeys, "options we lack are skipped, as NSQ skips unknown keys");
    }

    @Test
    void defaultsAreNsqs() {
        NsqdOptions o = NsqdOptions.fromArgs();
        assertEquals("0.0.0.0:4150", o.tcpAddress);
        assertEquals("0.0.0.0:4151", o.httpAddress);
        assertEquals(10_000, o.memQueueSize);
        assertEquals(60_000, o.msgTimeoutMs);
        assertEquals(1_048_576, o.maxMsgSize);
        assertEquals(5_242_880, o.maxBodySize);
        assertEquals(2_500, o.maxRdyCount);
    }

    @Test
    void aMissingConfigFileOrUnknownFlagIsAnError() {
        assertThrows(FlagSet.FlagException.class, () -> NsqdOptions.fromArgs("--config=" + dir.resolve("missing.cfg")));
        assertThrows(FlagSet.FlagException.class, () -> NsqdOptions.fromArgs("--no-such-flag"));
    }

    @Test
    void theHostnameIsLookedUpOnceNotPerRequest() {
        // /info and every lookupd IDENTIFY read it, on event loops where a DNS lookup could block
        assertSame(NsqdOptions.hostname(), NsqdOptions.hostname());
    }

    @Test
    void replicationIsOffByDefaultAndNeedsClusterMode() {
        NsqdOptions o = NsqdOptions.fromArgs();
        assertEquals(1, o.replicationFactor);
        assertEquals(5_000, o.replicationTimeoutMs);
        FlagSet.FlagException e = assertThrows(FlagSet.FlagException.class, () -> NsqdOptions.fromArgs("--replication-factor=2"));
        assertTrue(e.getMessage().contains("--cluster-members"), e.getMessage());
        NsqdOptions clustered = NsqdOptions.fromArgs("--replication-factor=3", "--replication-timeout=2s",
                "--cluster-members=127.0.0.1:5701");
        assertEquals(3, clustered.replicationFactor);
        assertEquals(2_000, clustered.replicationTimeoutMs);
    }
}
