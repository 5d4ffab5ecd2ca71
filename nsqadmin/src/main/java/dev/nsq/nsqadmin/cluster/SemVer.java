package dev.nsq.nsqadmin.cluster;

/** Just enough semver to flag an nsqd older than the newest one ("out_of_date"). Unparsable is 0.0.0. */
record SemVer(int major, int minor, int patch, String pre) implements Comparable<SemVer> {
    static final SemVer ZERO = new SemVer(0, 0, 0, "");

    static SemVer parse(String v) {
        if (v == null) return ZERO;
        String s = v.startsWith("v") ? v.substring(1) : v;
        int plus = s.indexOf('+');
        if (plus >= 0) s = s.substring(0, plus);
        String pre = "";
        int dash = s.indexOf('-');
        if (dash >= 0) {
            pre = s.substring(dash + 1);
            s = s.substring(0, dash);
        }
        String[] p = s.split("\\.");
        if (p.length != 3) return ZERO;
        try {
            return new SemVer(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]), pre);
        } catch (NumberFormatException e) {
            return ZERO;
        }
    }

    @Override
    public int compareTo(SemVer o) {
        if (major != o.major) return Integer.compare(major, o.major);
        if (minor != o.minor) return Integer.compare(minor, o.minor);
        if (patch != o.patch) return Integer.compare(patch, o.patch);
        // a pre-release sorts before its release
        if (pre.isEmpty() != o.pre.isEmpty()) return pre.isEmpty() ? 1 : -1;
        return pre.compareTo(o.pre);
    }
}
