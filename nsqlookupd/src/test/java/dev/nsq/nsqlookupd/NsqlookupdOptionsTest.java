package dev.nsq.nsqlookupd;

import dev.nsq.daemon.flags.FlagSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** nsqlookupd's flags as NSQ 1.3 has them: names, defaults, Go durations, the TOML config file. */
class NsqlookupdOptionsTest {
    @TempDir Path dir;

    @Test
    void defaultsAreNsqs() {
        NsqlookupdOptions o = NsqlookupdOptions.fromArgs();
        assertEquals("0.0.0.0:4160", o.tcpAddress);
        assertEquals("0.0.0.0:4161", o.httpAddress);
        assertEquals(300_000, o.inactiveProducerTimeoutMs);
        assertEquals(45_000, o.tombstoneLifetimeMs);
        assertEquals("info", o.logLevel);
        assertEquals("[nsqlookupd] ", o.logPrefix);
        assertEquals(NsqlookupdOptions.hostname(), o.broadcastAddress);
        assertFalse(o.showVersion);
        assertFalse(o.showHelp);
    }

    @Test
    void durationsTakeGoSyntax() {
        NsqlookupdOptions o = NsqlookupdOptions.fromArgs("--tombstone-lifetime=1m30s", "--inactive-producer-timeout", "250ms");
        assertEquals(90_000, o.tombstoneLifetimeMs);
        assertEquals(250, o.inactiveProducerTimeoutMs);
        assertEquals(5_400_000, NsqlookupdOptions.fromArgs("-inactive-producer-timeout=1.5h").inactiveProducerTimeoutMs);
        assertEquals(0, NsqlookupdOptions.fromArgs("--tombstone-lifetime=0").tombstoneLifetimeMs);
    }

    @Test
    void addressesAndBroadcastAddressAreSet() {
        NsqlookupdOptions o = NsqlookupdOptions.fromArgs("--tcp-address=127.0.0.1:5160", "--http-address", "127.0.0.1:5161",
                "--broadcast-address=lookupd.example", "--log-level=warn", "--log-prefix=[x] ", "--version");
        assertEquals("127.0.0.1:5160", o.tcpAddress);
        assertEquals("127.0.0.1:5161", o.httpAddress);
        assertEquals("lookupd.example", o.broadcastAddress);
        assertEquals("warn", o.logLevel);
        assertEquals("[x] ", o.logPrefix);
        assertTrue(o.showVersion);
    }

    @Test
    void configFileFillsInWhatTheCommandLineDoesNotSay() throws Exception {
        Path cfg = dir.resolve("nsqlookupd.cfg");
        Files.writeString(cfg, """
                tcp_address = "127.0.0.1:6160"
                http_address = "127.0.0.1:6161"
                inactive_producer_timeout = "10s"
                tombstone_lifetime = "1m"
                broadcast_address = "from-file"
                log_level = "error"
                """);
        NsqlookupdOptions o = NsqlookupdOptions.fromArgs("--config=" + cfg, "--tcp-address=127.0.0.1:7160",
                "--tombstone-lifetime=2s");
        assertEquals("127.0.0.1:7160", o.tcpAddress, "the command line wins");
        assertEquals(2_000, o.tombstoneLifetimeMs, "the command line wins");
        assertEquals("127.0.0.1:6161", o.httpAddress);
        assertEquals(10_000, o.inactiveProducerTimeoutMs);
        assertEquals("from-file", o.broadcastAddress);
        assertEquals("error", o.logLevel);
    }

    @Test
    void configFileGivenBeforeOrAfterTheFlagsMeansTheSame() throws Exception {
        Path cfg = dir.resolve("c.cfg");
        Files.writeString(cfg, "tcp_address = \"127.0.0.1:6160\"\n");
        assertEquals("127.0.0.1:7160", NsqlookupdOptions.fromArgs("--tcp-address=127.0.0.1:7160", "--config", cfg.toString()).tcpAddress);
        assertEquals("127.0.0.1:6160", NsqlookupdOptions.fromArgs("--config", cfg.toString()).tcpAddress);
    }

    @Test
    void unknownFlagFails() {
        FlagSet.FlagException e = assertThrows(FlagSet.FlagException.class, () -> NsqlookupdOptions.fromArgs("--bogus=1"));
        assertEquals("flag provided but not defined: -bogus", e.getMessage());
    }

    @Test
    void badValuesFailNamingTheProblem() {
        assertEquals("invalid log level loud",
                assertThrows(FlagSet.FlagException.class, () -> NsqlookupdOptions.fromArgs("--log-level=loud")).getMessage());
        assertTrue(assertThrows(FlagSet.FlagException.class, () -> NsqlookupdOptions.fromArgs("--tombstone-lifetime=45"))
                .getMessage().contains("tombstone-lifetime"));
        assertThrows(FlagSet.FlagException.class, () -> NsqlookupdOptions.fromArgs("--inactive-producer-timeout=0s"));
        assertThrows(FlagSet.FlagException.class, () -> NsqlookupdOptions.fromArgs("--tcp-address"));
    }

    @Test
    void unknownConfigKeysAreSkippedAsNsqDoesButAMissingFileFails() throws Exception {
        Path cfg = dir.resolve("other.cfg");
        Files.writeString(cfg, "no_such_option = 1\ntombstone_lifetime = \"10s\"\n");
        NsqlookupdOptions o = NsqlookupdOptions.fromArgs("--config=" + cfg);
        assertEquals(List.of("no_such_option"), o.ignoredConfigKeys);
        assertEquals(10_000, o.tombstoneLifetimeMs);
        assertThrows(FlagSet.FlagException.class, () -> NsqlookupdOptions.fromArgs("--config=" + dir.resolve("missing.cfg")));
    }

    @Test
    void usageListsNsqsFlagsWithTheirDefaults() {
        String usage = new NsqlookupdOptions().flagSet().usage();
        for (String flag : new String[] {"-config", "-version", "-log-level", "-log-prefix", "-verbose", "-tcp-address",
                "-http-address", "-broadcast-address", "-inactive-producer-timeout", "-tombstone-lifetime"}) {
            assertTrue(usage.contains("  " + flag + "\n") || usage.contains("  " + flag + " value\n"), flag);
        }
        assertTrue(usage.contains("(default 5m0s)"), usage);
        assertTrue(usage.contains("(default 45s)"), usage);
        assertTrue(usage.contains("(default \"0.0.0.0:4160\")"), usage);
    }
}
