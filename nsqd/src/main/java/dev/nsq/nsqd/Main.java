package dev.nsq.nsqd;

import dev.nsq.daemon.DaemonMain;

/** {@code nsqd}: NSQ's flags in, a running data node out; stops cleanly on SIGTERM/SIGINT. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        DaemonMain.run("nsqd", args, NsqdOptions::fromArgs, new NsqdOptions().flagSet(), Nsqd::new);
    }
}
