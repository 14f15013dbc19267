package dev.panamax.apps.serve;

/**
 * One request's instances for a tensor model: {@code rows} instances of the model's input shape, row-major in
 * {@code values} ({@code rows × rowLength} floats).
 *
 * @param rows   how many instances
 * @param values their elements, one instance after the other
 */
public record Input(int rows, float[] values) {
    /**
     * Checks that an instance of {@code shape} can feed a model whose input (batch excluded) is {@code model}: the
     * same shape, the same without its trailing 1s (a grey image without its channel axis), or flat.
     */
    static void requireFits(long[] shape, long[] model) {
        long n = 1;
        for (long d : model) n *= d;
        if (java.util.Arrays.equals(shape, model) || (shape.length == 1 && shape[0] == n)) return;
        int k = model.length;
        while (k > 0 && model[k - 1] == 1) k--;
        if (java.util.Arrays.equals(shape, java.util.Arrays.copyOf(model, k))) return;
        throw ApiError.badRequest("instance shape " + java.util.Arrays.toString(shape) + " does not fit the model's input "
                + java.util.Arrays.toString(model));
    }
}
