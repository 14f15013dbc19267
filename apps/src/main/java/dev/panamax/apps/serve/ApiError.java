package dev.panamax.apps.serve;

/**
 * A request the server refuses: the HTTP status and a one-line message for the client. Anything else thrown while
 * handling a request is the server's fault and answers 500 with a generic line (never a stack trace).
 */
public final class ApiError extends RuntimeException {
    private final int status;

    /** The longest message kept: refusals quote what the client sent, and that may be megabytes. */
    static final int MAX_MESSAGE = 500;

    public ApiError(int status, String message) {
        super(oneLine(message), null, false, false);  // no stack trace: it is a reply, not a bug
        this.status = status;
    }

    /**
     * {@code message} on one line whatever it quotes: control characters escaped (a line break as backslash-n, others
     * by their code), cut at {@value #MAX_MESSAGE} characters. A parser that quotes a dtype or column name from the
     * body cannot break the line (Jazzer found an {@code .npy} dtype with a line break in it).
     */
    static String oneLine(String message) {
        if (message == null || message.isBlank()) return "the request was refused";
        StringBuilder b = new StringBuilder(Math.min(message.length(), MAX_MESSAGE) + 16);
        int i = 0;
        for (; i < message.length() && b.length() < MAX_MESSAGE; i++) {
            char c = message.charAt(i);
            int type = Character.getType(c);
            if (c == '\n') b.append("\\n");
            else if (c == '\r') b.append("\\r");
            else if (Character.isISOControl(c) || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        if (i < message.length()) b.append("...");
        return b.toString();
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
