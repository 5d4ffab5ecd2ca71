package dev.nsq.nsqadmin.api;

/**
 * An error the API answers with NSQ's {@code {"message": "..."}} and a status code
 * ({@code 400 INVALID_ACTION}, {@code 404 NODE_NOT_FOUND}, ...). No stack trace: it is an answer, not a bug.
 */
public final class ApiError extends RuntimeException {
    private final int status;

    public ApiError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() { return status; }
}
