package dev.nsq.nsqadmin;

import java.util.ArrayList;
import java.util.List;

/** Skeleton: nsqadmin's flags with NSQ's names and defaults (filled in with the module). */
public final class NsqadminOptions {
    public String logLevel = "info";
    public String httpAddress = "0.0.0.0:4171";
    public List<String> lookupdHttpAddresses = new ArrayList<>();
    public List<String> nsqdHttpAddresses = new ArrayList<>();
}
