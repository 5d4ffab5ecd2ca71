package dev.nsq.nsqadmin;

import dev.nsq.daemon.flags.FlagSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class NsqadminOptionsTest {
    @TempDir Path dir;

    @Test
    void defaultsAreNsqs() {
        NsqadminOptions o = NsqadminOptions.fromArgs("--nsqd-http-address", "127.0.0.1:4151");
        assertEquals("0.0.0.0:4171", o.httpAddress);
        assertEquals("/", o.basePath);
        assertEquals(2_000, o.httpClientConnectTimeoutMs);
        assertEquals(5_000, o.httpClientRequestTimeoutMs);
        assertEquals("127.0.0.1/8", o.allowConfigFromCidr);
        assertEquals("X-Forwarded-User", o.aclHttpHeader);
        assertEquals(60_000, o.statsdIntervalMs);
        assertEquals(List.of("127.0.0.1:4151"), o.nsqdHttpAddresses);
    }

    @Test
    void repeatableFlagsCollectEveryValue() {
        NsqadminOptions o = NsqadminOptions.fromArgs("--lookupd-http-address=a:4161", "--lookupd-http-address", "b:4161",
                "--admin-user", "alice", "--admin-user", "bob");
        assertEquals(List.of("a:4161", "b:4161"), o.lookupdHttpAddresses);
        assertEquals(List.of("alice", "bob"), o.adminUsers);
    }

    @Test
    void configFileFillsWhatTheCommandLineLeftWithNsqsKeyNames() throws Exception {
        Path cfg = dir.resolve("nsqadmin.cfg");
        Files.writeString(cfg, """
                # as in NSQ's contrib/nsqadmin.cfg.example
                http_address = "0.0.0.0:9999"
                nsqlookupd_http_addresses = ["l1:4161", "l2:4161"]
                admin_users = ["root"]
                http_client_request_timeout = "9s"
                base_path = "/admin"
                """);
        NsqadminOptions o = NsqadminOptions.fromArgs("--config", cfg.toString(), "--http-address", "127.0.0.1:1");
        assertEquals("127.0.0.1:1", o.httpAddress, "the command line wins");
        assertEquals(List.of("l1:4161", "l2:4161"), o.lookupdHttpAddresses);
        assertEquals(List.of("root"), o.adminUsers);
        assertEquals(9_000, o.httpClientRequestTimeoutMs);
        assertEquals("/admin", o.normalizedBasePath());
    }

    @Test
    void validationNamesTheFlag() {
        assertMessage("--nsqd-http-address or --lookupd-http-address required");
        assertMessage("use --nsqd-http-address or --lookupd-http-address not both",
                "--nsqd-http-address", "a:1", "--lookupd-http-address", "b:2");
        assertMessage("--http-client-tls-cert and --http-client-tls-key must both be provided",
                "--nsqd-http-address", "a:1", "--http-client-tls-cert", "c.pem");
        assertMessage("failed to parse --allow-config-from-cidr nonsense",
                "--nsqd-http-address", "a:1", "--allow-config-from-cidr", "nonsense");
        assertMessage("invalid log level loud", "--nsqd-http-address", "a:1", "--log-level", "loud");
    }

    @Test
    void basePathIsNormalized() {
        NsqadminOptions o = new NsqadminOptions();
        assertEquals("", o.normalizedBasePath());
        o.basePath = "admin/";
        assertEquals("/admin", o.normalizedBasePath());
    }

    private static void assertMessage(String expected, String... args) {
        FlagSet.FlagException e = assertThrows(FlagSet.FlagException.class, () -> NsqadminOptions.fromArgs(args));
        assertEquals(expected, e.getMessage());
    }
}
