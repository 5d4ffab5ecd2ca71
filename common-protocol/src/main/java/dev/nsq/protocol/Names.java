package dev.nsq.protocol;

/** Topic and channel name rules: {@code ^[.a-zA-Z0-9_-]+(#ephemeral)?$}, 1..64 chars including the suffix. */
public final class Names {
    private Names() {}

    public static final String EPHEMERAL_SUFFIX = "#ephemeral";
    public static final int MAX_LENGTH = 64;

    public static boolean isValid(String name) {
        if (name == null) return false;
        int len = name.length();
        if (len < 1 || len > MAX_LENGTH) return false;
        int end = len;
        if (name.endsWith(EPHEMERAL_SUFFIX)) end = len - EPHEMERAL_SUFFIX.length();
        if (end == 0) return false;
        for (int i = 0; i < end; i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) return false;
        }
        return true;
    }

    public static boolean isEphemeral(String name) { return name.endsWith(EPHEMERAL_SUFFIX); }

    /**
     * Go's {@code %q} of a string as NSQ puts it into error texts ({@code "x"} with escapes), so our
     * errors read byte for byte like NSQ's.
     */
    public static String goQuote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case 7 -> b.append("\\a");
                case 8 -> b.append("\\b");
                case 12 -> b.append("\\f");
                case 11 -> b.append("\\v");
                default -> {
                    if (cp < 0x20 || cp == 0x7f) b.append(String.format("\\x%02x", cp));
                    else b.appendCodePoint(cp);
                }
            }
        });
        return b.append('"').toString();
    }
}
