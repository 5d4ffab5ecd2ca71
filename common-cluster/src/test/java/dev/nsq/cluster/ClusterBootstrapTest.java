package dev.nsq.cluster;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterBootstrapTest {
    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
    void daemonsRunOnNettysEpollTransportOnLinux() throws Exception {
        Vertx vertx = ClusterBootstrap.start(new ClusterOptions()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try {
            assertTrue(vertx.isNativeTransportEnabled(), () -> "epoll did not load: " + vertx.unavailableNativeTransportCause());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
