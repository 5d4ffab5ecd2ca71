package dev.nsq.nsqlookupd;

import dev.nsq.daemon.DaemonMain;

/** {@code nsqlookupd}: NSQ's flags in, a running registry out; stops cleanly on SIGTERM/SIGINT. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        DaemonMain.run("nsqlookupd", args, NsqlookupdOptions::fromArgs, new NsqlookupdOptions().flagSet(), Nsqlookupd::new);
    }
}
