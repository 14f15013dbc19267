package dev.panamax.apps.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * TensorFlow Serving's request body, {@code {"instances": [ ... ]}}, each instance a nested array of numbers, read
 * with Jackson's streaming parser straight into one float array (no tree: a 28 × 28 image is 784 numbers, and a
 * node per number would cost more than the parse). Every instance must have the same rectangular shape, one that
 * fits the model's input ({@link Input#requireFits}).
 */
final class JsonInstances {
    /** Jackson's bundled FastDoubleParser: parsing the numbers was a fifth of the server's CPU time under load with the JDK's. */
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

    private JsonInstances() {}

    /** The instances of {@code body} for a model whose input shape (batch excluded) is {@code model}. */
    static Input parse(byte[] body, long[] model) {
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw ApiError.badRequest("the body must be a JSON object {\"instances\": [...]}");
            Input found = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("instances")) found = instances(p, model);
                else p.skipChildren();  // signature_name and the like: not used here
            }
            if (p.nextToken() != null) throw ApiError.badRequest("malformed JSON: text after the object");
            if (found == null) throw ApiError.badRequest("the body has no \"instances\" array");
            return found;
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.badRequest("unreadable body: " + e.getMessage());
        }
    }

    private static Input instances(JsonParser p, long[] model) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) throw ApiError.badRequest("\"instances\" must be an array");
        Floats out = new Floats();
        long[] shape = null;
        int rows = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            List<Long> dims = new ArrayList<>();
            int before = out.n;
            value(p, out, dims, 0);
            long[] s = dims.stream().mapToLong(Long::longValue).toArray();
            if (Arrays.stream(s).reduce(1, (a, b) -> a * b) != out.n - before) throw ApiError.badRequest("ragged instance " + rows);
            if (shape == null) {
                Input.requireFits(s, model);
                shape = s;
            } else if (!Arrays.equals(s, shape)) {
                throw ApiError.badRequest("instance " + rows + " has shape " + Arrays.toString(s) + ", instance 0 " + Arrays.toString(shape));
            }
            rows++;
        }
        if (rows == 0) throw ApiError.badRequest("\"instances\" is empty");
        return new Input(rows, out.toArray());
    }

    /** Reads one value at nesting {@code depth}, recording (or checking) the length of each level in {@code dims}. */
    private static void value(JsonParser p, Floats out, List<Long> dims, int depth) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            if (depth < dims.size()) throw ApiError.badRequest("ragged instance: a number where an array was expected");
            out.add(p.getFloatValue());
            return;
        }
        if (t != JsonToken.START_ARRAY) {
            throw ApiError.badRequest("instances must hold numbers (float32), found " + (t == null ? "the end" : t.asString() == null ? t.name() : t.asString()));
        }
        boolean first = depth == dims.size();
        long n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (first && n == 0) dims.add(-1L);  // this level's length, known at its end
            value(p, out, dims, depth + 1);
            n++;
        }
        if (first && n == 0) throw ApiError.badRequest("an instance holds an empty array");
        if (first) dims.set(depth, n);
        else if (depth >= dims.size() || dims.get(depth) != n) throw ApiError.badRequest("ragged instance: arrays of different lengths at depth " + depth);
    }

    /** A growing float array. */
    private static final class Floats {
        private float[] a = new float[1024];
        private int n;

        void add(float v) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        float[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
