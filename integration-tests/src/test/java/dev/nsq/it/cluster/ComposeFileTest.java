package dev.nsq.it.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.nsq.nsqd.NsqdOptions;
import dev.nsq.nsqlookupd.NsqlookupdOptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * docker-compose.yml as Docker Compose reads it ({@code docker-compose config}: Debian's package,
 * installed by .ci/run; no engine is needed): 2 nsqlookupd, 3 nsqd, 1 nsqadmin from our multi-stage
 * image, a health check on every {@code /ping}, Hazelcast members by service name, NSQ's ports, a
 * volume per nsqd, and commands whose flags our daemons accept; Prometheus and Grafana only in the
 * {@code monitoring} profile, reading files of the repository. docker/compose-test.sh runs it for real.
 */
class ComposeFileTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @Test
    void composeFileDescribesTheClusterAndItsFlagsParse() throws Exception {
        JsonNode config = new YAMLMapper().readTree(dockerComposeConfig());
        JsonNode services = config.path("services");
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("grafana", "nsqadmin", "nsqd1", "nsqd2", "nsqd3", "nsqlookupd1", "nsqlookupd2", "prometheus"),
                names.stream().sorted().toList());

        List<Integer> published = new ArrayList<>();
        for (String name : names) {
            JsonNode s = services.path(name);
            if (name.equals("prometheus") || name.equals("grafana")) {
                assertEquals("[\"monitoring\"]", s.path("profiles").toString(), name + " starts only with --profile monitoring");
                s.path("volumes").forEach(v -> assertTrue(!v.asText().startsWith("/") || Files.exists(Path.of(v.asText().split(":")[0])),
                        name + " mounts a file of the repository: " + v));
                continue;
            }
            assertEquals(ROOT.toRealPath(), Path.of(s.path("build").path("context").asText()).toRealPath(),
                    name + " builds the image from the repository");
            assertTrue(s.path("healthcheck").path("test").toString().contains("/ping"), name + " health check on /ping");
            s.path("ports").forEach(p -> published.add(p.path("published").asInt()));
            List<String> cmd = new ArrayList<>();
            s.path("command").forEach(c -> cmd.add(c.asText()));
            String launcher = cmd.get(0);
            assertTrue(Files.isExecutable(ROOT.resolve(launcher)), name + ": " + launcher + " exists in the repository");
            String[] flags = cmd.subList(1, cmd.size()).toArray(new String[0]);
            if (name.startsWith("nsqd")) {
                assertClusterMembers(s);
                assertFalse(s.path("volumes").isEmpty(), name + " keeps its data in a volume");
                NsqdOptions o = NsqdOptions.fromArgs(flags);
                assertEquals(name, o.broadcastAddress);
                assertEquals(List.of("nsqlookupd1:4160", "nsqlookupd2:4160"), o.lookupdTcpAddresses);
            } else if (name.startsWith("nsqlookupd")) {
                assertClusterMembers(s);
                assertEquals(name, NsqlookupdOptions.fromArgs(flags).broadcastAddress);
            }
        }
        assertTrue(published.containsAll(List.of(4150, 4151, 4160, 4161, 4171)), "NSQ's ports are published: " + published);

        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        assertEquals(2, dockerfile.lines().filter(l -> l.startsWith("FROM ")).count(), "multi-stage: a Maven build, a JRE run");
        assertTrue(dockerfile.contains("FROM ${BUILD_IMAGE} AS build") && dockerfile.contains("FROM ${RUNTIME_IMAGE}"), "bases as build args");
        System.out.printf("ComposeFileTest: docker-compose config accepts %s, ports %s%n", names, published);
    }

    private static void assertClusterMembers(JsonNode service) {
        assertEquals("nsqlookupd1:5701,nsqlookupd2:5701,nsqd1:5701,nsqd2:5701,nsqd3:5701",
                service.path("environment").path("NSQ_CLUSTER_MEMBERS").asText(), "Hazelcast members by service name");
    }

    private static String dockerComposeConfig() throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("docker-compose", "config").directory(ROOT.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("docker-compose is not installed (Debian package docker-compose; .ci/run installs it)", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "docker-compose config: " + out);
        return out;
    }
}
