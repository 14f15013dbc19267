package dev.panamax.apps.serve;

import java.util.Arrays;

/**
 * The {@code :predict} body of a tensor model, by its content type, as instances of the model's input: the one
 * place the server picks a parser, public so that the fuzz tests drive exactly what the server runs. Each parser
 * returns {@code rows ≥ 1} instances of {@code rows × (product of the input shape)} floats or refuses the body with
 * an {@link ApiError} (400, or 415 for a type it does not take) and a one-line message.
 */
public final class RequestBodies {
    /** JSON instances, TensorFlow Serving's {@code {"instances": [...]}}. */
    public static final String JSON = "application/json";
    /** NumPy's {@code .npy}. */
    public static final String NPY = "application/x-npy";
    /** An Arrow IPC stream of one {@code FixedSizeList<float32>} column, one row an instance. */
    public static final String ARROW = "application/vnd.apache.arrow.stream";

    private RequestBodies() {}

    /**
     * The instances in {@code body} for a model whose input shape (batch excluded) is {@code inputShape};
     * {@code contentType} is the request's media type without parameters, lower case, or null (taken as JSON).
     */
    public static Input parse(String contentType, byte[] body, long[] inputShape) {
        if (contentType == null || contentType.equals(JSON)) return JsonInstances.parse(body, inputShape);
        if (contentType.equals(NPY) || contentType.equals("application/octet-stream")) return Npy.read(body, inputShape);
        if (contentType.equals(ARROW)) return ArrowInstances.read(body, inputShape);
        if (contentType.startsWith("image/")) return PngInput.read(body, inputShape);
        throw new ApiError(415, "Content-Type " + contentType + " is not accepted here; send " + JSON + ", " + NPY + ", " + ARROW + " or image/png");
    }

    /** Values per instance of a model whose input shape is {@code inputShape}. */
    static long rowLength(long[] inputShape) {
        return Arrays.stream(inputShape).reduce(1, Math::multiplyExact);
    }
}
