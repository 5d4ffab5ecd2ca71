package dev.nsq.it.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network partition between daemons on one machine, without network namespaces: each daemon has
 * its own loopback address (127.a.b.c, all on {@code lo}) and runs in its own cgroup v2, and
 * iptables OUTPUT rules with the {@code cgroup} match drop every packet that a socket of one side
 * sends to an address of the other side. Both directions of every connection between the sides
 * start or continue with such a packet (a connection from side A to side B sends to B's address; one
 * from B to A sends to A's), so established connections stall and new ones time out, while this
 * JVM (in neither cgroup) still reaches everyone. Needs root, iptables with the cgroup match and a
 * cgroup2 mount; {@link #unavailable()} says why not when they are missing. Rules and cgroups are
 * named after a random id and removed by {@link #close()}.
 */
final class Partition implements AutoCloseable {
    private final String id = "nsqit-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    private final Path root;
    private final List<Path> cgroups = new ArrayList<>();
    private final List<List<String>> rules = new ArrayList<>();

    Partition() throws IOException {
        root = cgroup2Mount();
        if (root == null) throw new IllegalStateException("no cgroup2 mount");
    }

    /** Null when partitions can be made here, else what is missing (the test is then skipped, saying so). */
    static String unavailable() {
        try {
            Path root = cgroup2Mount();
            if (root == null) return "no cgroup2 filesystem is mounted (/proc/mounts)";
            Path probe = root.resolve("nsqit-probe-" + ProcessHandle.current().pid());
            try {
                Files.createDirectories(probe);
            } catch (IOException e) {
                return "cannot create a cgroup under " + root + " (" + e + "): not root?";
            }
            try {
                List<String> rule = List.of("OUTPUT", "-m", "cgroup", "--path", root.relativize(probe).toString(), "-d", "127.255.255.254",
                        "-j", "DROP");
                String added = iptables("-I", rule);
                if (added != null) return "iptables cannot add a cgroup-match rule: " + added;
                iptables("-D", rule);
                return null;
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (Exception e) {
            return "probing failed: " + e;
        }
    }

    /** {@code n} loopback addresses 127.a.b.1..n with a random a.b, so parallel runs do not share rules' targets. */
    static List<String> loopbackHosts(int n) {
        int a = 100 + ThreadLocalRandom.current().nextInt(100), b = 1 + ThreadLocalRandom.current().nextInt(250);
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) out.add("127." + a + "." + b + "." + i);
        return out;
    }

    /** The cgroup directory a daemon named {@code name} starts in (created now). */
    Path cgroup(String name) {
        Path p = root.resolve(id + "-" + name);
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        cgroups.add(p);
        return p;
    }

    /** Cuts the daemons of {@code side} (name to address) off from those of {@code rest}, both ways. */
    void cut(Map<String, String> side, Map<String, String> rest) throws Exception {
        for (Map.Entry<String, String> a : side.entrySet()) {
            for (Map.Entry<String, String> b : rest.entrySet()) {
                add(a.getKey(), b.getValue());
                add(b.getKey(), a.getValue());
            }
        }
    }

    private void add(String fromDaemon, String toAddress) throws Exception {
        List<String> rule = List.of("OUTPUT", "-m", "cgroup", "--path", id + "-" + fromDaemon, "-d", toAddress, "-j", "DROP");
        String err = iptables("-I", rule);
        if (err != null) throw new IllegalStateException("iptables -I " + rule + ": " + err);
        rules.add(rule);
    }

    /** Removes every rule: the sides reach each other again (stalled TCP connections resume on retransmit). */
    void heal() throws Exception {
        for (List<String> r : rules) iptables("-D", r);
        rules.clear();
    }

    @Override
    public void close() throws Exception {
        heal();
        for (Path p : cgroups) {
            // the daemons were killed by now; a cgroup empties a moment after its last process is reaped
            for (int i = 0; i < 50 && Files.exists(p); i++) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException busy) {
                    Thread.sleep(100);
                }
            }
        }
    }

    /** Runs iptables (waiting for its lock); null on success, else its output. */
    private static String iptables(String op, List<String> rule) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("iptables", "-w", "5", op));
        cmd.addAll(rule);
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            return "cannot run iptables: " + e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "iptables did not finish";
        }
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
    }

    private static Path cgroup2Mount() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            String[] f = line.split(" ");
            if (f.length > 2 && f[2].equals("cgroup2")) return Path.of(f[1]);
        }
        return null;
    }
}
