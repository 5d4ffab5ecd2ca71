package dev.nsq.protocol.lookup;

/** Event-bus addresses shared by nsqd and nsqlookupd in cluster mode. */
public final class ClusterAddresses {
    private ClusterAddresses() {}

    /** nsqd publishes {@link ClusterRegistration} JSON here; every nsqlookupd consumes it. */
    public static final String REGISTRATIONS = "nsq.lookupd.registrations";
    /** A starting nsqlookupd publishes here (empty body); every nsqd answers with a SYNC. */
    public static final String RESYNC = "nsq.nsqd.resync";
}
