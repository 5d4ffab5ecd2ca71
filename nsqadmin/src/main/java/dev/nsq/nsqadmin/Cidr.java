package dev.nsq.nsqadmin;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 network ({@code 127.0.0.1/8}) for {@code --allow-config-from-cidr}. */
record Cidr(byte[] network, int prefixBits) {

    /** The parsed network, or null when the text is not a CIDR. */
    static Cidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) return null;
        try {
            String host = text.substring(0, slash);
            if (!host.matches("[0-9a-fA-F:.]+")) return null; // never a DNS lookup
            byte[] addr = InetAddress.getByName(host).getAddress();
            int bits = Integer.parseInt(text.substring(slash + 1));
            if (bits < 0 || bits > addr.length * 8) return null;
            return new Cidr(addr, bits);
        } catch (UnknownHostException | NumberFormatException e) {
            return null;
        }
    }

    boolean contains(String ip) {
        byte[] a;
        try {
            if (ip == null || !ip.matches("[0-9a-fA-F:.]+")) return false;
            a = InetAddress.getByName(ip).getAddress();
        } catch (UnknownHostException e) {
            return false;
        }
        if (a.length != network.length) return false;
        for (int bit = 0; bit < prefixBits; bit++) {
            int mask = 0x80 >> (bit % 8);
            if ((a[bit / 8] & mask) != (network[bit / 8] & mask)) return false;
        }
        return true;
    }
}
