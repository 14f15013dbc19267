package dev.panamax.tensors.arrow;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.Memory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * Zero-copy conversion between tensors and Arrow vectors, and Arrow IPC files of tensors.
 *
 * <p>A 1-D tensor is a primitive vector (F32 ↔ {@code Float4Vector}, F64 ↔ {@code Float8Vector}, I32 ↔
 * {@code IntVector}, I64 ↔ {@code BigIntVector}, U8 ↔ {@code UInt1Vector}); a tensor of rank ≥ 2 with shape
 * {@code (n, d1, d2, ...)} is a {@code FixedSizeListVector} of {@code n} rows of {@code d1*d2*...} values whose
 * field metadata {@value #SHAPE_KEY} records the full shape. Both directions share memory: the tensor and the
 * vector each hold a reference, so either may be closed first. In pyarrow:
 * {@code pa.ipc.open_file(path).read_all()}, then {@code np.stack(col.to_numpy(zero_copy_only=False))}.
 */
public final class ArrowTensors {
    /** Field metadata key holding a tensor's full shape, e.g. {@code "60000,28,28"}. */
    public static final String SHAPE_KEY = "panamax.shape";

    private ArrowTensors() {}

    // ---------------------------------------------------------------- Arrow → tensor

    /**
     * A tensor viewing {@code vector}'s values without copying. Rejects vectors with nulls.
     *
     * @param vector a fixed-width numeric vector or a fixed-size list of one, without nulls
     * @return a view of the vector's memory (N) or (rows, listSize); it holds its own reference, so the vector may be
     *         closed first
     * @throws IllegalArgumentException for a vector that is not fixed-width numeric (Float4, Float8, Int, BigInt,
     *                                  UInt1, FixedSizeList of those) or has nulls
     */
    public static Tensor fromVector(FieldVector vector) {
        if (vector instanceof FixedSizeListVector list) return fromFixedSizeList(list);
        if (!(vector instanceof BaseFixedWidthVector fixed)) {
            throw new IllegalArgumentException("fromVector: " + vector.getClass().getSimpleName() + " '" + vector.getName()
                    + "' is not a fixed-width numeric vector; supported: Float4, Float8, Int, BigInt, UInt1, FixedSizeList");
        }
        DType dt = dtypeOf(vector);
        if (vector.getNullCount() > 0) {
            throw new IllegalArgumentException("fromVector: '" + vector.getName() + "' has " + vector.getNullCount()
                    + " nulls; tensors have no nulls. Fill them first.");
        }
        return Tensor.fromArrowBuf(dt, fixed.getDataBuffer(), 0, new long[] {vector.getValueCount()});
    }

    /**
     * A tensor of shape {@code (rows, listSize)}, or the shape in the field's {@value #SHAPE_KEY} metadata.
     *
     * @param list a fixed-size list of a fixed-width numeric vector, without nulls
     * @return a view of the list's values
     * @throws IllegalArgumentException for another child type, nulls, or a shape in the metadata that does not fit
     */
    public static Tensor fromFixedSizeList(FixedSizeListVector list) {
        FieldVector child = list.getDataVector();
        if (!(child instanceof BaseFixedWidthVector fixed)) {
            throw new IllegalArgumentException("fromFixedSizeList: '" + list.getName() + "' holds "
                    + child.getClass().getSimpleName() + "; only fixed-width numeric values can become a tensor");
        }
        if (list.getNullCount() > 0 || child.getNullCount() > 0) {
            throw new IllegalArgumentException("fromFixedSizeList: '" + list.getName() + "' has nulls; tensors have no nulls");
        }
        long rows = list.getValueCount();
        long width = list.getListSize();
        long[] shape = {rows, width};
        Map<String, String> meta = list.getField().getMetadata();
        if (meta != null && meta.containsKey(SHAPE_KEY)) {
            long[] s = parseShape(meta.get(SHAPE_KEY));
            long inner = 1;
            for (int i = 1; i < s.length; i++) inner *= s[i];
            if (s.length < 2 || inner != width || s[0] != rows) {
                throw new IllegalArgumentException("fromFixedSizeList: '" + list.getName() + "' says shape " + meta.get(SHAPE_KEY)
                        + " but holds " + rows + " rows of " + width + " values");
            }
            shape = s;
        }
        return Tensor.fromArrowBuf(dtypeOf(child), fixed.getDataBuffer(), 0, shape);
    }

    private static DType dtypeOf(FieldVector v) {
        if (v instanceof Float4Vector) return DType.F32;
        if (v instanceof Float8Vector) return DType.F64;
        if (v instanceof IntVector) return DType.I32;
        if (v instanceof BigIntVector) return DType.I64;
        if (v instanceof UInt1Vector) return DType.U8;
        throw new IllegalArgumentException("Arrow vector '" + v.getName() + "' of type " + v.getField().getType()
                + " has no tensor dtype; supported: Float4, Float8, Int(32), BigInt, UInt1");
    }

    private static long[] parseShape(String s) {
        return s.isBlank() ? new long[0] : Arrays.stream(s.split(",")).mapToLong(x -> Long.parseLong(x.trim())).toArray();
    }

    // ---------------------------------------------------------------- tensor → Arrow

    /**
     * {@code t} as an Arrow vector owned by {@code allocator}. When {@code allocator} shares Panamax's root
     * ({@link Memory#root()} or one of its children) the vector shares {@code t}'s memory: the buffer is
     * transferred, not copied (a strided view is made contiguous first). Any other allocator, such as an
     * application's own {@code RootAllocator}, gets a copy, because Arrow cannot move a buffer between allocator
     * trees; the copy is charged to {@code allocator}. Either way the vector and the tensor may be closed in any
     * order, and a failure (e.g. {@code allocator}'s limit) leaves nothing allocated.
     *
     * @param t         the tensor, rank 1 or more
     * @param name      the vector's field name
     * @param allocator the allocator that owns the vector
     * @return the vector: Float4/Float8/Int/BigInt/UInt1 for rank 1, a FixedSizeList with the shape in its metadata
     *         otherwise
     * @throws IllegalArgumentException for a 0-d tensor or a dtype with no Arrow form
     */
    public static FieldVector toVector(Tensor t, String name, BufferAllocator allocator) {
        if (t.rank() == 0) throw new IllegalArgumentException("toVector: a 0-d tensor has no Arrow vector form; reshape(1) first");
        try (Tensor c = t.contiguous()) {
            ArrowBuf data = bufferIn(c, allocator);
            FieldVector made = null;
            try {
                int rows = Math.toIntExact(c.dim(0));
                if (c.rank() == 1) {
                    BaseFixedWidthVector v = primitive(c.dtype(), name, allocator, Map.of());
                    made = v;
                    v.loadFieldBuffers(new ArrowFieldNode(rows, 0), List.of(allocator.getEmpty(), data));
                    return v;
                }
                int width = Math.toIntExact(c.numel() / Math.max(1, rows));
                String shape = Arrays.stream(c.shape()).mapToObj(Long::toString).collect(Collectors.joining(","));
                FieldType listType = new FieldType(false, new ArrowType.FixedSizeList(width), null, Map.of(SHAPE_KEY, shape));
                FixedSizeListVector list = new FixedSizeListVector(name, allocator, listType, null);
                made = list;
                list.addOrGetVector(FieldType.notNullable(arrowType(c.dtype())));
                list.loadFieldBuffers(new ArrowFieldNode(rows, 0), List.of(allocator.getEmpty()));
                ((BaseFixedWidthVector) list.getDataVector()).loadFieldBuffers(
                        new ArrowFieldNode((long) rows * width, 0), List.of(allocator.getEmpty(), data));
                list.getDataVector().setValueCount(rows * width);
                list.setValueCount(rows);
                return list;
            } catch (RuntimeException e) {
                if (made != null) made.close();
                throw e;
            } finally {
                data.getReferenceManager().release(); // the vector holds its own reference
            }
        }
    }

    /** {@code c}'s bytes as a buffer {@code allocator} can own: a shared slice within one root, else a copy. */
    private static ArrowBuf bufferIn(Tensor c, BufferAllocator allocator) {
        ArrowBuf shared = c.toArrowBuf();
        if (shared.getReferenceManager().getAllocator().getRoot() == allocator.getRoot()) return shared;
        try {
            long bytes = shared.capacity();
            ArrowBuf copy = allocator.buffer(bytes);
            copy.setBytes(0, shared, 0, bytes);
            return copy;
        } finally {
            shared.getReferenceManager().release();
        }
    }

    private static ArrowType arrowType(DType dt) {
        return switch (dt) {
            case F32 -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
            case F64 -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case I32 -> new ArrowType.Int(32, true);
            case I64 -> new ArrowType.Int(64, true);
            case U8 -> new ArrowType.Int(8, false);
            default -> throw new IllegalArgumentException("Arrow: Panamax writes F32, F64, I32, I64 and U8 columns, not " + dt + "; convert it first");
        };
    }

    private static BaseFixedWidthVector primitive(DType dt, String name, BufferAllocator a, Map<String, String> meta) {
        FieldType ft = new FieldType(false, arrowType(dt), null, meta);
        return switch (dt) {
            case F32 -> new Float4Vector(name, ft, a);
            case F64 -> new Float8Vector(name, ft, a);
            case I32 -> new IntVector(name, ft, a);
            case I64 -> new BigIntVector(name, ft, a);
            case U8 -> new UInt1Vector(name, ft, a);
            default -> throw new IllegalArgumentException("Arrow: Panamax writes F32, F64, I32, I64 and U8 columns, not " + dt + "; convert it first");
        };
    }

    /**
     * A record batch with one column per tensor; all need the same first dimension (rows).
     *
     * @param tensors   the columns by name, in order; all with the same first dimension
     * @param allocator the allocator that owns the vectors (see {@link #toVector})
     * @return the batch; the caller closes it
     * @throws IllegalArgumentException when no tensors are given, one is 0-d or has no Arrow form, or the first
     *                                  dimensions differ
     */
    public static VectorSchemaRoot toRecordBatch(Map<String, Tensor> tensors, BufferAllocator allocator) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("toRecordBatch: no tensors given");
        long rows = -1;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            if (t.rank() == 0) throw new IllegalArgumentException("toRecordBatch: '" + e.getKey() + "' is 0-d; columns need rows");
            if (rows >= 0 && t.dim(0) != rows) {
                throw new IllegalArgumentException("toRecordBatch: '" + e.getKey() + "' has " + t.dim(0)
                        + " rows but the other columns have " + rows + "; a record batch needs equal row counts");
            }
            rows = t.dim(0);
        }
        List<FieldVector> vectors = new ArrayList<>();
        try {
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) vectors.add(toVector(e.getValue(), e.getKey(), allocator));
        } catch (RuntimeException ex) {
            vectors.forEach(FieldVector::close);
            throw ex;
        }
        return new VectorSchemaRoot(vectors);
    }

    /**
     * One tensor per column of {@code root}, sharing its memory.
     *
     * @param root the batch; may be closed after the call
     * @return the tensors by column name, in column order; the caller owns them
     * @throws IllegalArgumentException for a vector that is not fixed-width numeric (Float4, Float8, Int, BigInt,
     *                                  UInt1, FixedSizeList of those) or has nulls
     */
    public static Map<String, Tensor> fromRecordBatch(VectorSchemaRoot root) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try {
            for (FieldVector v : root.getFieldVectors()) out.put(v.getName(), fromVector(v));
        } catch (RuntimeException ex) {
            out.values().forEach(Tensor::close);
            throw ex;
        }
        return out;
    }

    /**
     * Writes the tensors as one record batch to an Arrow IPC file, atomically: a temporary file in the same
     * folder is renamed over {@code path} only when complete.
     *
     * @param path    the file to write; replaced if it exists
     * @param tensors the columns by name; all with the same first dimension
     * @throws IOException when the file cannot be written (an existing one is left as it was)
     */
    public static void writeIpc(Path path, Map<String, Tensor> tensors) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
        try (VectorSchemaRoot root = toRecordBatch(tensors, Memory.root());
             FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
             ArrowFileWriter writer = new ArrowFileWriter(root, null, ch)) {
            writer.start();
            writer.writeBatch();
            writer.end();
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Reads the first record batch of an Arrow IPC file as tensors (caller closes them).
     *
     * @param path an Arrow IPC file
     * @return the tensors by column name
     * @throws IOException when the file cannot be read or holds no record batch
     */
    public static Map<String, Tensor> readIpc(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
             ArrowFileReader reader = new ArrowFileReader(ch, Memory.root())) {
            if (!reader.loadNextBatch()) {
                throw new IOException(path + ": the Arrow file holds no record batch");
            }
            return fromRecordBatch(reader.getVectorSchemaRoot());
        } catch (org.apache.arrow.vector.ipc.InvalidArrowFileException e) {
            throw new IOException(path + " is not a valid Arrow IPC file (" + e.getMessage() + ")", e);
        }
    }
}
