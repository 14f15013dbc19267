package dev.panamax.apps.serve;

/**
 * A request the server refuses: the HTTP status and a one-line message for the client. Anything else thrown while
 * handling a request is the server's fault and answers 500 with a generic line (never a stack trace).
 */
public final class ApiError extends RuntimeException {
    private final int status;

    public ApiError(int status, String message) {
        super(message, null, false, false);  // no stack trace: it is a reply, not a bug
        this.status = status;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** 400: a body that does not parse or does not fit the model. */
    public static ApiError badRequest(String message) {
        return new ApiError(400, message);
    }

    /** 404: no such model or endpoint. */
    public static ApiError notFound(String message) {
        return new ApiError(404, message);
    }
}
