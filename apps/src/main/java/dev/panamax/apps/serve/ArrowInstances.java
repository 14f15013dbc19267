package dev.panamax.apps.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.panamax.tensors.memory.Memory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.util.ValueVectorUtility;

/**
 * An Arrow IPC stream as the binary body of {@code :predict}: one column, one row per instance, each row a
 * {@code FixedSizeList<float32>} (or float64) of the instance's values in C order. That is what pyarrow makes of a
 * NumPy batch {@code x} of shape {@code (n, 28, 28, 1)} with
 * {@code pa.FixedSizeListArray.from_arrays(x.reshape(-1), 784)}, or with {@code pa.FixedShapeTensorArray.from_numpy_ndarray(x)}
 * (the canonical {@code arrow.fixed_shape_tensor} extension, whose shape is then checked too). The stream may hold
 * several record batches; their rows are the instances in order. Replies in this format are one column
 * {@code predictions}, {@code FixedSizeList<float32>[outputs]}, in one batch.
 *
 * <p>The body comes from the network, so the reader's memory is a child allocator bounded by a small multiple of
 * the body's size (a message that claims more is refused, not allocated), and every failure of Arrow's reader on a
 * damaged stream is a 400.
 */
final class ArrowInstances {
    private static final String EXTENSION = "ARROW:extension:name", EXTENSION_META = "ARROW:extension:metadata";

    private ArrowInstances() {}

    /** The instances in {@code body} for a model whose input shape (batch excluded) is {@code model}. */
    static Input read(byte[] body, long[] model) {
        long rowLen = RequestBodies.rowLength(model);
        // Decoded buffers never exceed the body (no compression codec is on the class path), padding aside.
        long limit = 2L * body.length + (1 << 16);
        try (BufferAllocator alloc = Memory.root().newChildAllocator("arrow request", 0, limit)) {
            ArrowMessages messages = new ArrowMessages(body, alloc);
            try (ArrowRequestReader reader = new ArrowRequestReader(messages, alloc)) {
                return instances(reader, rowLen, model);
            } finally {
                messages.releaseLeftovers();
            }
        } catch (ApiError e) {
            throw e;
        } catch (StackOverflowError e) {
            // Arrow converts a schema's fields recursively, and flatbuffer offsets can make a field its own child (Jazzer).
            throw bad("the body is not a readable Arrow IPC stream (its schema nests fields without end)");
        } catch (IOException | RuntimeException e) {
            // Arrow's reader names what it found damaged in its own words, sometimes over several lines.
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replaceAll("\\s+", " ").trim();
            throw bad("the body is not a readable Arrow IPC stream (" + (why.length() > 200 ? why.substring(0, 200) + "..." : why) + ")");
        }
    }

    private static Input instances(ArrowRequestReader reader, long rowLen, long[] model) throws IOException {
        VectorSchemaRoot root = reader.getVectorSchemaRoot();
        List<Field> fields = root.getSchema().getFields();
        if (fields.size() != 1) throw bad("the stream has " + fields.size() + " columns; send one, a FixedSizeList<float32> of " + rowLen + " values a row");
        Field field = fields.getFirst();
        checkType(field, rowLen, model);
        reader.expect(rowLen, ((ArrowType.FloatingPoint) field.getChildren().getFirst().getType()).getPrecision() == FloatingPointPrecision.SINGLE ? 4 : 8);
        float[] values = new float[0];
        int rows = 0;
        while (reader.loadNextBatch()) {
            // Buffers as long as the row and value counts say (validateFull throws on every FixedSizeList in Arrow 19).
            ValueVectorUtility.validate(root);
            int n = root.getRowCount();
            if ((long) rows + n > Integer.MAX_VALUE / rowLen) throw bad("the stream holds more rows than one request may");
            values = Arrays.copyOf(values, (int) ((rows + n) * rowLen));
            copyRows((FixedSizeListVector) root.getVector(0), n, values, (int) (rows * rowLen));
            rows += n;
        }
        if (rows == 0) throw bad("the stream holds no rows; send at least one instance");
        return new Input(rows, values);
    }

    /** Refuses any column but a non-null FixedSizeList of float32/float64 whose length is the instance's. */
    private static void checkType(Field field, long rowLen, long[] model) {
        String want = "; send a FixedSizeList<float32> of " + rowLen + " values a row, e.g. pa.FixedSizeListArray.from_arrays(x.astype(np.float32).reshape(-1), "
                + rowLen + ")";
        if (!(field.getType() instanceof ArrowType.FixedSizeList list) || field.getChildren().size() != 1) {
            throw bad("column '" + field.getName() + "' is " + field.getType() + want);
        }
        ArrowType child = field.getChildren().getFirst().getType();
        if (!(child instanceof ArrowType.FloatingPoint fp) || fp.getPrecision() == FloatingPointPrecision.HALF) {
            throw bad("column '" + field.getName() + "' holds " + child + want);
        }
        if (list.getListSize() != rowLen) {
            throw bad("column '" + field.getName() + "' has " + list.getListSize() + " values a row; the model's input " + Arrays.toString(model) + " has " + rowLen);
        }
        Map<String, String> meta = field.getMetadata();
        if ("arrow.fixed_shape_tensor".equals(meta.get(EXTENSION))) checkTensorShape(meta.get(EXTENSION_META), model);
    }

    /** The fixed-shape tensor extension's shape must fit the model, and its layout be C order (no permutation). */
    private static void checkTensorShape(String json, long[] model) {
        JsonNode m;
        try {
            m = Exchange.JSON.readTree(json == null ? "" : json);
        } catch (IOException e) {
            throw bad("the column's arrow.fixed_shape_tensor metadata is not JSON");
        }
        JsonNode shape = m == null ? null : m.get("shape");
        if (shape == null || !shape.isArray() || shape.isEmpty()) throw bad("the column's arrow.fixed_shape_tensor metadata has no \"shape\" array");
        long[] s = new long[shape.size()];
        for (int i = 0; i < s.length; i++) {
            if (!shape.get(i).canConvertToLong()) throw bad("the column's arrow.fixed_shape_tensor shape holds a non-integer");
            s[i] = shape.get(i).asLong();
        }
        JsonNode perm = m.get("permutation");
        if (perm != null && !perm.isNull()) {
            for (int i = 0; i < perm.size(); i++) {
                if (perm.get(i).asLong(-1) != i) throw bad("the column's tensors are permuted (" + perm + "); send them in C order");
            }
        }
        Input.requireFits(s, model);
    }

    /** Copies {@code n} rows of {@code list} (checked by the reader's validation) to {@code out} from {@code at}. */
    private static void copyRows(FixedSizeListVector list, int n, float[] out, int at) {
        int width = list.getListSize();
        FieldVector child = list.getDataVector();
        for (int r = 0; r < n; r++) {
            if (list.isNull(r)) throw bad("row " + r + " is null; every instance needs values");
        }
        if (child.getNullCount() > 0) throw bad("the column holds " + child.getNullCount() + " null values; every value must be a number");
        long values = (long) n * width;
        if (child.getValueCount() < values) throw bad("the column holds " + child.getValueCount() + " values for " + n + " rows of " + width);
        switch (child) {
            case Float4Vector f -> {
                for (int i = 0; i < values; i++) out[at + i] = f.get(i);
            }
            case Float8Vector d -> {
                for (int i = 0; i < values; i++) out[at + i] = (float) d.get(i);
            }
            default -> throw bad("the column holds " + child.getField().getType() + "; send float32");
        }
    }

    /** A stream of one column {@code predictions}, {@code FixedSizeList<float32>[cols]}, of {@code rows} rows. */
    static byte[] write(float[] values, int rows, int cols) {
        try (BufferAllocator alloc = Memory.root().newChildAllocator("arrow reply", 0, Long.MAX_VALUE);
             FixedSizeListVector list = FixedSizeListVector.empty("predictions", cols, alloc)) {
            list.addOrGetVector(FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)));
            Float4Vector data = (Float4Vector) list.getDataVector();
            list.setInitialCapacity(rows);  // and the values' capacity, rows × cols
            list.allocateNew();
            for (int r = 0; r < rows; r++) list.setNotNull(r);
            for (int i = 0; i < values.length; i++) data.set(i, values[i]);
            data.setValueCount(values.length);
            list.setValueCount(rows);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (VectorSchemaRoot root = VectorSchemaRoot.of(list); ArrowStreamWriter w = new ArrowStreamWriter(root, null, out)) {
                w.start();
                w.writeBatch();
                w.end();
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);  // a ByteArrayOutputStream does not fail
        }
    }

    private static ApiError bad(String message) {
        return ApiError.badRequest("Arrow stream: " + message);
    }
}
