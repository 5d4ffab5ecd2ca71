package dev.nsq.nsqadmin;

import dev.nsq.daemon.DaemonMain;

/** {@code nsqadmin}: NSQ's flags in, a running web UI and API out; stops cleanly on SIGTERM/SIGINT. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        DaemonMain.run("nsqadmin", args, NsqadminOptions::fromArgs, new NsqadminOptions().flagSet(), Nsqadmin::new);
    }
}
