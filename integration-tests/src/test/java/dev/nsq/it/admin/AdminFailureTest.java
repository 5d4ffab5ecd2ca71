package dev.nsq.it.admin;

import dev.nsq.nsqadmin.Nsqadmin;
import dev.nsq.nsqd.Nsqd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.nsq.it.admin.AdminFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/** Whole-cluster failure (502 UPSTREAM_ERROR), the admin-user ACL and the /config CIDR check. */
@Timeout(120)
class AdminFailureTest {
    @TempDir Path dir;

    @Test
    void everyNodeDownIsA502UpstreamError() throws Exception {
        int dead = closedPort();
        Nsqadmin admin = admin(o -> o.nsqdHttpAddresses.add("127.0.0.1:" + dead));
        try {
            for (String path : List.of("/api/topics", "/api/topics/t", "/api/topics/t/c", "/api/nodes", "/api/counter")) {
                Resp r = get(admin.httpPort(), path);
                assertEquals(502, r.status(), path + " " + r.text());
                assertTrue(r.message().startsWith("UPSTREAM_ERROR: "), r.text());
                assertTrue(r.message().contains("127.0.0.1:" + dead), r.text());
            }
            Resp pause = send("POST", admin.httpPort(), "/api/topics/t", "{\"action\":\"pause\"}", Map.of());
            assertEquals(502, pause.status(), pause.text());
            assertTrue(SseReader.firstSample(admin.httpPort()).path("message").asText().startsWith("UPSTREAM_ERROR: "));
        } finally {
            sync(admin.stop());
        }
    }

    @Test
    void onlyAdminUsersMayActWhenTheListIsSet() throws Exception {
        Nsqd nsqd = nsqd(dir.resolve("nsqd"));
        Nsqadmin admin = admin(o -> {
            o.nsqdHttpAddresses.add(nsqdAddr(nsqd));
            o.adminUsers.add("alice");
        });
        try {
            String t = unique("acl");
            String body = "{\"topic\":\"" + t + "\"}";
            Resp anonymous = send("POST", admin.httpPort(), "/api/topics", body, Map.of());
            assertEquals(403, anonymous.status());
            assertEquals("FORBIDDEN", anonymous.message());
            Resp bob = send("POST", admin.httpPort(), "/api/topics", body, Map.of("X-Forwarded-User", "bob"));
            assertEquals(403, bob.status());
            Resp alice = send("POST", admin.httpPort(), "/api/topics", body, Map.of("X-Forwarded-User", "alice"));
            assertEquals(200, alice.status(), alice.text());
            assertEquals("", alice.message(), "nothing failed, so no warning");
            assertFalse(nsqdTopic(nsqd, t).isMissingNode());
            assertEquals(200, get(admin.httpPort(), "/api/topics").status(), "reading needs no admin");
        } finally {
            sync(admin.stop());
            sync(nsqd.stop());
        }
    }

    @Test
    void configIsForbiddenOutsideTheAllowedCidr() throws Exception {
        int dead = closedPort();
        Nsqadmin admin = admin(o -> {
            o.nsqdHttpAddresses.add("127.0.0.1:" + dead);
            o.allowConfigFromCidr = "10.0.0.0/8";
        });
        try {
            Resp r = get(admin.httpPort(), "/config/log_level");
            assertEquals(403, r.status());
            assertEquals("FORBIDDEN", r.message());
        } finally {
            sync(admin.stop());
        }
    }
}
