package dev.nsq.it.conformance;

import dev.nsq.nsqd.Nsqd;
import dev.nsq.nsqd.NsqdOptions;
import dev.nsq.nsqlookupd.Nsqlookupd;
import dev.nsq.nsqlookupd.NsqlookupdOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Replays the NSQ 1.3.0 conformance recordings (src/test/resources/conformance/cases) against one
 * nsqd and one nsqlookupd started for the whole class with the recordings' flags (nsqd
 * --max-msg-size=1024 --max-body-size=8192, not connected to the lookupd; lookupd at defaults).
 * Cases run sequentially, one DynamicTest each, grouped by file.
 */
class ConformanceTest {
    private static final String CASES = "conformance/cases";

    @TempDir
    static Path dataDir;

    private static Nsqd nsqd;
    private static Nsqlookupd lookupd;
    private static ConformanceRunner runner;

    @BeforeAll
    static void startDaemons() throws Exception {
        NsqdOptions o = new NsqdOptions();
        o.tcpAddress = "127.0.0.1:0";
        o.httpAddress = "127.0.0.1:0";
        o.dataPath = dataDir.toString();
        o.maxMsgSize = 1024;
        o.maxBodySize = 8192;
        nsqd = new Nsqd(o);
        nsqd.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        NsqlookupdOptions lo = new NsqlookupdOptions();
        lo.tcpAddress = "127.0.0.1:0";
        lo.httpAddress = "127.0.0.1:0";
        lookupd = new Nsqlookupd(lo);
        lookupd.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        runner = new ConformanceRunner(Map.of(
                "nsqd_tcp", "127.0.0.1:" + nsqd.tcpPort(),
                "nsqd_http", "127.0.0.1:" + nsqd.httpPort(),
                "lookupd_tcp", "127.0.0.1:" + lookupd.tcpPort(),
                "lookupd_http", "127.0.0.1:" + lookupd.httpPort()));
    }

    @AfterAll
    static void stopDaemons() throws Exception {
        if (lookupd != null) {
            lookupd.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        if (nsqd != null) {
            nsqd.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @TestFactory
    Stream<DynamicNode> conformance() throws IOException, URISyntaxException {
        List<DynamicNode> files = new ArrayList<>();
        for (Path file : caseFiles()) {
            String name = file.getFileName().toString();
            List<DynamicTest> tests = new ArrayList<>();
            for (ConformanceCase c : ConformanceCase.load(file)) {
                tests.add(DynamicTest.dynamicTest(c.name(), () -> replay(c)));
            }
            files.add(DynamicContainer.dynamicContainer(name, tests));
        }
        return files.stream();
    }

    private static void replay(ConformanceCase c) {
        CaseResult r = runner.run(c);
        switch (r.status()) {
            case FAILED -> fail("FAIL " + c.label() + ": " + r.message());
            case SKIPPED -> Assumptions.abort("SKIP " + c.label() + " (" + r.message() + ")");
            default -> { }
        }
    }

    /** nsqd_*.json, lookupd_*.json and version_pinned.json, in name order. */
    private static List<Path> caseFiles() throws IOException, URISyntaxException {
        URL dir = ConformanceTest.class.getClassLoader().getResource(CASES);
        if (dir == null) {
            throw new IllegalStateException("test resource directory " + CASES + " is missing");
        }
        try (Stream<Path> s = Files.list(Path.of(dir.toURI()))) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".json") && (n.startsWith("nsqd_") || n.startsWith("lookupd_")
                        || n.equals("version_pinned.json"));
            }).sorted().toList();
        }
    }
}
