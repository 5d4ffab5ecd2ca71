package dev.nsq.tools;

import dev.nsq.daemon.flags.FlagSet;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code nsq_stat}: polls {@code /stats} for one topic/channel every {@code --interval} and prints
 * NSQ's table for the channel summed over its nsqd: rates (ingress = messages into the channel per
 * second, egress = ingress less the depth's growth), depth (total, in memory, on disk, in flight,
 * deferred) and totals (requeued, timed out, messages, clients). The header comes first and every
 * 25 polls; {@code --count} stops after that many rows.
 */
public final class NsqStat {
    private static final int HEADER_EVERY = 25;
    private static final String ROW = "%7s %7s | %7s %7s %7s %5s %5s | %7s %7s %12s %7s%n";

    private NsqStat() {}

    public static void main(String[] args) { ToolMain.exec(NsqStat::run, args); }

    public static int run(ToolMain io, String[] args) throws Exception {
        String[] topic = {""};
        String[] channel = {""};
        List<String> nsqds = new ArrayList<>();
        List<String> lookupds = new ArrayList<>();
        long[] intervalMs = {2_000};
        long[] count = {0};
        long[] connectMs = {2_000};
        long[] requestMs = {5_000};
        boolean[] help = {false};
        FlagSet f = new FlagSet("nsq_stat")
                .string("topic", "", "NSQ topic", v -> topic[0] = v)
                .string("channel", "", "NSQ channel", v -> channel[0] = v)
                .duration("interval", 2_000, "duration of time between polling/printing output", v -> intervalMs[0] = v)
                .integer("count", 0, "number of reports", v -> {
                    if (v <= 0) throw new FlagSet.FlagException("--count should be positive");
                    count[0] = v;
                })
                .duration("http-client-connect-timeout", 2_000, "timeout for HTTP connect", v -> connectMs[0] = v)
                .duration("http-client-request-timeout", 5_000, "timeout for HTTP request", v -> requestMs[0] = v)
                .list("nsqd-http-address", "nsqd HTTP address (may be given multiple times)", nsqds::add)
                .list("lookupd-http-address", "lookupd HTTP address (may be given multiple times)", lookupds::add)
                .bool("help", false, "print usage", v -> help[0] = v);
        if (!io.parse(f, help, args)) return help[0] ? 0 : 1;
        if (topic[0].isEmpty() || channel[0].isEmpty()) { io.err.println("--topic and --channel are required"); return 1; }
        if (intervalMs[0] <= 0) { io.err.println("--interval should be positive"); return 1; }
        if (nsqds.isEmpty() && lookupds.isEmpty()) { io.err.println("--nsqd-http-address or --lookupd-http-address required"); return 1; }
        if (!nsqds.isEmpty() && !lookupds.isEmpty()) { io.err.println("use --nsqd-http-address or --lookupd-http-address not both"); return 1; }

        for (List<String> addrs : List.of(nsqds, lookupds)) {
            for (String a : addrs) {
                if (a.startsWith("http")) { io.err.println("address should not contain scheme: " + a); return 1; }
            }
        }

        StatsSource source = new StatsSource(nsqds, lookupds, connectMs[0], requestMs[0]);
        StatsSource.Sample prev = null;
        double secs = intervalMs[0] / 1000.0;
        // as NSQ: poll count+1 times, the first only to have something to diff against
        for (long i = 0; (count[0] <= 0 || i <= count[0]) && !io.interrupt.isDone(); i++) {
            StatsSource.Sample s;
            try {
                s = source.sample(topic[0], channel[0]);
            } catch (Exception e) {
                io.err.println("ERROR: failed to get nsqd stats - " + e.getMessage());
                return 1;
            }
            if (!s.found()) {
                io.err.printf("ERROR: failed to find channel(%s) in stats metadata for topic(%s)%n", channel[0], topic[0]);
                return 1;
            }
            if (i % HEADER_EVERY == 0) header(io);
            if (prev != null) {
                long in = s.messages() - prev.messages();
                // what left the channel = what came in minus what the depth grew by
                long outgoing = in - (s.depth() - prev.depth());
                io.out.printf(ROW, (long) (in / secs), (long) (outgoing / secs),
                        s.depth(), s.depth() - s.backendDepth(), s.backendDepth(), s.inFlight(), s.deferred(),
                        s.requeued(), s.timedOut(), s.messages(), s.clients());
                io.out.flush();
            }
            prev = s;
            if (count[0] > 0 && i == count[0]) break;
            try {
                io.interrupt.get(intervalMs[0], TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // the interval passed: poll again
            }
        }
        return 0;
    }

    private static void header(ToolMain io) {
        io.out.println("------rate------+----------------depth----------------+--------------metadata---------------");
        io.out.printf(ROW, "ingress", "egress", "total", "mem", "disk", "inflt", "def", "req", "t-o", "msgs", "clients");
    }
}
