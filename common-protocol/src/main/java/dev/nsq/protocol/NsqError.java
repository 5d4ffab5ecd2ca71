package dev.nsq.protocol;

/**
 * A client error as NSQ sends it: the wire sees {@code code + " " + description}; a fatal one closes
 * the connection after the error frame. The cause, if any, goes only to the log.
 */
public final class NsqError extends Exception {
    private final String code;
    private final String description;
    private final boolean fatal;

    private NsqError(String code, String description, boolean fatal, Throwable cause) {
        super(code + " " + description, cause, false, false);
        this.code = code;
        this.description = description;
        this.fatal = fatal;
    }

    /** An error that ends the connection (NSQ's FatalClientErr). */
    public static NsqError fatal(String code, String description) {
        return new NsqError(code, description, true, null);
    }

    /** An error the connection survives (NSQ's ClientErr: E_FIN_FAILED, E_REQ_FAILED, E_TOUCH_FAILED). */
    public static NsqError nonFatal(String code, String description) {
        return new NsqError(code, description, false, null);
    }

    public String code() { return code; }
    public String description() { return description; }
    public boolean isFatal() { return fatal; }

    /** The exact text of the error frame. */
    public String wireText() { return code + " " + description; }
}
