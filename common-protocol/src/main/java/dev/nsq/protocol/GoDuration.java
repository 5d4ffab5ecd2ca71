package dev.nsq.protocol;

/**
 * Go's time.Duration text form ("1m0s", "250ms", "1h30m", "2s"), so that flag values and config
 * files written for NSQ mean the same here. Values are carried as milliseconds.
 */
public final class GoDuration {
    private GoDuration() {}

    /** Parses a Go duration ("1m0s", "100ms", "1.5h"); a bare number is taken as milliseconds? No: Go rejects it, except "0". */
    public static long parseMillis(String s) {
        String in = s.trim();
        if (in.isEmpty()) throw new IllegalArgumentException("invalid duration \"\"");
        if (in.equals("0")) return 0;
        boolean neg = false;
        int i = 0;
        if (in.charAt(0) == '-' || in.charAt(0) == '+') { neg = in.charAt(0) == '-'; i++; }
        double totalNanos = 0;
        boolean any = false;
        while (i < in.length()) {
            int start = i;
            while (i < in.length() && (Character.isDigit(in.charAt(i)) || in.charAt(i) == '.')) i++;
            if (start == i) throw new IllegalArgumentException("invalid duration \"" + s + "\"");
            double value = Double.parseDouble(in.substring(start, i));
            int ustart = i;
            while (i < in.length() && !Character.isDigit(in.charAt(i)) && in.charAt(i) != '.') i++;
            String unit = in.substring(ustart, i);
            double mult = switch (unit) {
                case "ns" -> 1;
                case "us", "µs", "μs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                default -> throw new IllegalArgumentException(
                        unit.isEmpty() ? "missing unit in duration \"" + s + "\"" : "unknown unit \"" + unit + "\" in duration \"" + s + "\"");
            };
            totalNanos += value * mult;
            any = true;
        }
        if (!any) throw new IllegalArgumentException("invalid duration \"" + s + "\"");
        long ms = (long) Math.floor(totalNanos / 1e6);
        return neg ? -ms : ms;
    }

    /** Formats milliseconds as Go prints a Duration ("1m0s", "250ms", "1h0m0s", "0s"). */
    public static String format(long ms) {
        if (ms == 0) return "0s";
        StringBuilder b = new StringBuilder();
        if (ms < 0) { b.append('-'); ms = -ms; }
        if (ms < 1000) return b.append(ms).append("ms").toString();
        long h = ms / 3_600_000, m = (ms / 60_000) % 60, secMs = ms % 60_000;
        if (h > 0) b.append(h).append('h');
        if (h > 0 || m > 0) b.append(m).append('m');
        long sec = secMs / 1000, frac = secMs % 1000;
        b.append(sec);
        if (frac != 0) {
            String f = String.format("%03d", frac).replaceAll("0+$", "");
            b.append('.').append(f);
        }
        return b.append('s').toString();
    }
}
