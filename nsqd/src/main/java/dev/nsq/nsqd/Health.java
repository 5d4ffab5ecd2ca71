package dev.nsq.nsqd;

/**
 * nsqd's health, as NSQ keeps it: the last disk write error, cleared by the next successful write.
 * Shown by /ping (500 "NOK - ...") and /stats "health". Thread-safe.
 */
final class Health {
    private volatile String error;

    void failed(Throwable e) { error = e.getMessage() == null ? e.toString() : e.getMessage(); }

    void ok() { if (error != null) error = null; }

    boolean isOk() { return error == null; }

    String text() {
        String e = error;
        return e == null ? "OK" : "NOK - " + e;
    }
}
