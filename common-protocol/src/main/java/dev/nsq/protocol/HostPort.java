package dev.nsq.protocol;

/** An {@code <addr>:<port>} flag value; an empty host means every interface. */
public record HostPort(String host, int port) {
    public static HostPort parse(String s, int defaultPort) {
        int i = s.lastIndexOf(':');
        if (i < 0) return new HostPort(s.isEmpty() ? "0.0.0.0" : s, defaultPort);
        String host = s.substring(0, i);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        if (host.isEmpty()) host = "0.0.0.0";
        return new HostPort(host, Integer.parseInt(s.substring(i + 1)));
    }
}
