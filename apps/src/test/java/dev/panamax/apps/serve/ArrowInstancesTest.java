package dev.panamax.apps.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.memory.Memory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.Test;

/** Arrow IPC stream bodies: pyarrow's forms read, Arrow Java's replies, and every damaged or misshapen stream a one-line 400. */
class ArrowInstancesTest {
    private static final long[] IMAGE = {2, 2, 1};

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ArrowInstancesTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void pyarrowsFixedShapeTensorStreamHoldsTheSameInstancesAsItsJson() throws IOException {
        // Both files written by cli/src/test/python/make_serve_seeds.py from one NumPy array (2, 2, 2, 1).
        Input arrow = ArrowInstances.read(resource("pyarrow-tensor-2x2x2x1.arrows"), IMAGE);
        Input json = JsonInstances.parse(resource("pyarrow-tensor-2x2x2x1.json"), IMAGE);
        assertEquals(2, arrow.rows());
        assertArrayEquals(json.values(), arrow.values());
        // The same stream's tensor shape (2, 2, 1) does not fit a model taking (4, 1, 1): refused by the extension's shape.
        assertTrue(bad(resource("pyarrow-tensor-2x2x2x1.arrows"), new long[] {4, 1, 1}).getMessage().contains("does not fit"));
    }

    /** A stream of {@code batches} record batches, each made by {@code column} from a fresh allocator. */
    static byte[] stream(int batches, Function<BufferAllocator, FieldVector> column) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BufferAllocator alloc = Memory.root().newChildAllocator("test stream", 0, Long.MAX_VALUE);
             VectorSchemaRoot root = VectorSchemaRoot.of(column.apply(alloc));
             ArrowStreamWriter w = new ArrowStreamWriter(root, null, out)) {
            w.start();
            for (int i = 0; i < batches; i++) w.writeBatch();
            w.end();
        }
        return out.toByteArray();
    }

    /** A FixedSizeList column of {@code width} values a row, {@code rows} rows, of float32 (or float64) {@code value(i) = i + 0.5}. */
    static FieldVector list(BufferAllocator alloc, int rows, int width, boolean f64) {
        FixedSizeListVector list = FixedSizeListVector.empty("instances", width, alloc);
        list.addOrGetVector(FieldType.notNullable(new ArrowType.FloatingPoint(f64 ? FloatingPointPrecision.DOUBLE : FloatingPointPrecision.SINGLE)));
        list.setInitialCapacity(rows);
        list.allocateNew();
        for (int r = 0; r < rows; r++) list.setNotNull(r);
        for (int i = 0; i < rows * width; i++) {
            if (f64) ((Float8Vector) list.getDataVector()).set(i, i + 0.5);
            else ((Float4Vector) list.getDataVector()).set(i, i + 0.5f);
        }
        list.getDataVector().setValueCount(rows * width);
        list.setValueCount(rows);
        return list;
    }

    @Test
    void float32AndFloat64ListsOverSeveralBatches() throws IOException {
        float[] want = {0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f, 6.5f, 7.5f};
        Input f32 = ArrowInstances.read(stream(1, a -> list(a, 2, 4, false)), IMAGE);
        assertEquals(2, f32.rows());
        assertArrayEquals(want, f32.values());
        assertArrayEquals(want, ArrowInstances.read(stream(1, a -> list(a, 2, 4, true)), IMAGE).values());
        Input twice = ArrowInstances.read(stream(2, a -> list(a, 2, 4, false)), IMAGE);  // the same batch sent twice
        assertEquals(4, twice.rows());
        assertArrayEquals(want, Arrays.copyOfRange(twice.values(), 8, 16));
    }

    @Test
    void theReplyReadsBackAsItsValues() {
        float[] predictions = {0.1f, 0.9f, 0.25f, 0.75f, 1, 0};
        Input back = ArrowInstances.read(ArrowInstances.write(predictions, 3, 2), new long[] {2});
        assertEquals(3, back.rows());
        assertArrayEquals(predictions, back.values());
    }

    private static ApiError bad(byte[] body, long[] model) {
        ApiError e = assertThrows(ApiError.class, () -> ArrowInstances.read(body, model));
        assertEquals(400, e.status(), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    private static String bad(byte[] body) {
        return bad(body, IMAGE).getMessage();
    }

    private static void has(String message, String part) {
        assertTrue(message.contains(part), message);
    }

    @Test
    void misshapenOrDamagedStreamsAreOneLine400s() throws IOException {
        has(bad(stream(1, a -> list(a, 2, 3, false))), "has 3 values a row");
        has(bad(stream(0, a -> list(a, 2, 4, false))), "no rows");
        has(bad(stream(1, a -> {
            Float4Vector v = new Float4Vector("x", a);
            v.allocateNew(4);
            v.setValueCount(4);
            return v;
        })), "FixedSizeList<float32>");
        has(bad(stream(1, a -> {
            FixedSizeListVector l = FixedSizeListVector.empty("ints", 4, a);
            l.addOrGetVector(FieldType.notNullable(new ArrowType.Int(32, true)));
            l.allocateNew();
            l.setValueCount(0);
            return l;
        })), "holds Int(32, true)");
        has(bad(stream(1, a -> {
            FieldVector l = list(a, 2, 4, false);
            ((FixedSizeListVector) l).setNull(1);
            return l;
        })), "row 1 is null");
        byte[] good = stream(1, a -> list(a, 2, 4, false));
        has(bad(Arrays.copyOf(good, good.length / 2)), "Arrow stream: the body is not a readable Arrow IPC stream");
        has(bad(new byte[0]), "not a readable");
        has(bad("{\"instances\": [[1, 2, 3, 4]]}".getBytes()), "not a readable");
        try (BufferAllocator a = Memory.root().newChildAllocator("two columns", 0, Long.MAX_VALUE);
             IntVector other = new IntVector("other", a)) {
            other.allocateNew(2);
            other.setValueCount(2);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            FieldVector first = list(a, 2, 4, false);
            try (VectorSchemaRoot root = new VectorSchemaRoot(List.of(first.getField(), other.getField()), List.of(first, other), 2); ArrowStreamWriter w = new ArrowStreamWriter(root, null, out)) {
                w.start();
                w.writeBatch();
                w.end();
            }
            has(bad(out.toByteArray()), "2 columns");
        }
    }
}
