package dev.panamax.onnx.graph;

import com.google.protobuf.ByteString;
import dev.panamax.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.panamax.onnx.proto.OnnxProto.TensorProto;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * ONNX {@code TensorProto} ↔ Panamax tensors. Raw data is copied once, straight from the (memory-mapped) file into
 * the tensor's memory; external data is read from its file beside the model the same way.
 */
public final class TensorProtos {
    private TensorProtos() {}

    /**
     * Panamax's element type for an ONNX {@code TensorProto.DataType}; bool is stored as U8 0/1. The narrow and
     * half-precision types are storage types ({@link DType#isStorageOnly()}): the runtime computes in their
     * {@link DType#compute()} type. Strings are not numbers: they are not tensors.
     */
    public static DType dtype(int onnxType, String what) {
        return switch (TensorProto.DataType.forNumber(onnxType)) {
            case FLOAT -> DType.F32;
            case DOUBLE -> DType.F64;
            case INT32 -> DType.I32;
            case INT64 -> DType.I64;
            case UINT8, BOOL -> DType.U8;
            case INT8 -> DType.I8;
            case INT16 -> DType.I16;
            case UINT16 -> DType.U16;
            case UINT32 -> DType.U32;
            case UINT64 -> DType.U64;
            case FLOAT16 -> DType.F16;
            case BFLOAT16 -> DType.BF16;
            case null -> throw new IllegalArgumentException(what + ": unknown ONNX data type " + onnxType + "; the file may be corrupt");
            case TensorProto.DataType t -> throw new IllegalArgumentException(what + ": data type " + t
                    + " is not supported (Panamax holds real numbers, integers, booleans and strings, not complex numbers)");
        };
    }

    /** The ONNX data type that holds {@code t}. */
    public static TensorProto.DataType onnxType(DType t) {
        return switch (t) {
            case F32 -> TensorProto.DataType.FLOAT;
            case F64 -> TensorProto.DataType.DOUBLE;
            case I32 -> TensorProto.DataType.INT32;
            case I64 -> TensorProto.DataType.INT64;
            case U8 -> TensorProto.DataType.UINT8;
            case I8 -> TensorProto.DataType.INT8;
            case I16 -> TensorProto.DataType.INT16;
            case U16 -> TensorProto.DataType.UINT16;
            case U32 -> TensorProto.DataType.UINT32;
            case U64 -> TensorProto.DataType.UINT64;
            case F16 -> TensorProto.DataType.FLOAT16;
            case BF16 -> TensorProto.DataType.BFLOAT16;
        };
    }

    /**
     * The tensor {@code p} holds; {@code baseDir} is where external data files are looked up (the model's folder),
     * null when the tensor cannot have any.
     */
    public static Tensor toTensor(TensorProto p, Path baseDir) {
        return toTensor(p, baseDir, null, -1);
    }

    /** Copies a tensor's raw bytes, kept out of its {@code TensorProto}, into tensor memory. */
    @FunctionalInterface
    public interface RawData {
        /** Fills {@code dst} (exactly the raw data's length). */
        void copyTo(MemorySegment dst) throws IOException;
    }

    /**
     * {@link #toTensor(TensorProto, Path)} for a tensor whose {@code raw_data} ({@code rawLength} bytes) was left in
     * the file and comes from {@code raw} (null, and {@code rawLength} -1, when the proto holds its own data).
     */
    public static Tensor toTensor(TensorProto p, Path baseDir, RawData raw, long rawLength) {
        String what = "tensor '" + p.getName() + "'";
        if (p.hasSegment()) throw new IllegalArgumentException(what + ": segmented tensors are not supported");
        DType dt = dtype(p.getDataType(), what);
        long[] shape = new long[p.getDimsCount()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = p.getDims(i);
            if (shape[i] < 0) throw new IllegalArgumentException(what + ": negative dimension " + shape[i] + "; the file is corrupt");
        }
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        long bytes = Math.multiplyExact(n, (long) dt.byteSize());
        Tensor t = Tensor.empty(dt, shape);
        try {
            MemorySegment dst = t.segment().asSlice(t.offset() * dt.byteSize(), bytes);
            if (p.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                readExternal(p, baseDir, dst, what);
            } else if (raw != null) {
                if (rawLength != bytes) {
                    throw new IllegalArgumentException(what + ": " + rawLength + " bytes of data for shape " + java.util.Arrays.toString(shape)
                            + " of " + dt + ", which needs " + bytes + "; the file is truncated or corrupt");
                }
                try {
                    raw.copyTo(dst);
                } catch (IOException e) {
                    throw new IllegalArgumentException(what + ": cannot read its data (" + e.getMessage() + "); the file is truncated or corrupt");
                }
            } else if (p.hasRawData()) {
                ByteString data = p.getRawData();
                if (data.size() != bytes) {
                    throw new IllegalArgumentException(what + ": " + data.size() + " bytes of data for shape " + java.util.Arrays.toString(shape)
                            + " of " + dt + ", which needs " + bytes + "; the file is truncated or corrupt");
                }
                MemorySegment.copy(MemorySegment.ofBuffer(data.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN)), 0, dst, 0, bytes);
            } else {
                copyTyped(p, dt, n, dst, what);
            }
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /**
     * The typed fields, as onnx.proto assigns them: the types of 32 bits or fewer in {@code int32_data} (float16
     * and bfloat16 as their bit patterns), uint32 and uint64 in {@code uint64_data}.
     */
    private static void copyTyped(TensorProto p, DType dt, long n, MemorySegment dst, String what) {
        int count = switch (dt) {
            case F32 -> p.getFloatDataCount();
            case F64 -> p.getDoubleDataCount();
            case I64 -> p.getInt64DataCount();
            case U32, U64 -> p.getUint64DataCount();
            case I32, U8, I8, I16, U16, F16, BF16 -> p.getInt32DataCount();
        };
        if (count != n) {
            throw new IllegalArgumentException(what + ": " + count + " values for " + n + " elements; the file is corrupt");
        }
        for (int i = 0; i < count; i++) {
            switch (dt) {
                case F32 -> dst.setAtIndex(ValueLayout.JAVA_FLOAT, i, p.getFloatData(i));
                case F64 -> dst.setAtIndex(ValueLayout.JAVA_DOUBLE, i, p.getDoubleData(i));
                case I64 -> dst.setAtIndex(ValueLayout.JAVA_LONG, i, p.getInt64Data(i));
                case U64 -> dst.setAtIndex(ValueLayout.JAVA_LONG, i, p.getUint64Data(i));
                case U32 -> dst.setAtIndex(ValueLayout.JAVA_INT, i, (int) p.getUint64Data(i));
                case I32 -> dst.setAtIndex(ValueLayout.JAVA_INT, i, p.getInt32Data(i));
                case U8, I8 -> dst.set(ValueLayout.JAVA_BYTE, i, (byte) p.getInt32Data(i));
                case I16, U16, F16, BF16 -> dst.setAtIndex(ValueLayout.JAVA_SHORT, i, (short) p.getInt32Data(i));
            }
        }
    }

    private static void readExternal(TensorProto p, Path baseDir, MemorySegment dst, String what) {
        String location = null;
        long offset = 0, length = -1;
        for (StringStringEntryProto e : p.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parse(e.getValue(), what);
                case "length" -> length = parse(e.getValue(), what);
                case "checksum" -> { }
                default -> throw new IllegalArgumentException(what + ": unknown external-data key '" + e.getKey() + "'");
            }
        }
        if (location == null || baseDir == null) {
            throw new IllegalArgumentException(what + ": external data without a location (or without a model folder to find it in)");
        }
        Path file = baseDir.resolve(location).normalize();
        if (!file.startsWith(baseDir.normalize())) {
            throw new IllegalArgumentException(what + ": external data location '" + location + "' leaves the model's folder");
        }
        if (length >= 0 && length != dst.byteSize()) {
            throw new IllegalArgumentException(what + ": external data length " + length + " but the shape needs " + dst.byteSize() + " bytes");
        }
        try (FileChannel ch = FileChannel.open(file); Arena arena = Arena.ofConfined()) {
            if (offset + dst.byteSize() > ch.size()) {
                throw new IllegalArgumentException(what + ": external file " + file + " has " + ch.size() + " bytes, too few for offset "
                        + offset + " + " + dst.byteSize() + "; it is truncated");
            }
            if (dst.byteSize() > 0) MemorySegment.copy(ch.map(FileChannel.MapMode.READ_ONLY, offset, dst.byteSize(), arena), 0, dst, 0, dst.byteSize());
        } catch (IOException e) {
            throw new IllegalArgumentException(what + ": cannot read external data " + file + " (" + (Files.exists(file) ? e.getMessage() : "no such file")
                    + "); keep it beside the model");
        }
    }

    private static long parse(String v, String what) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": external-data number '" + v + "' is not an integer");
        }
    }

    /** {@code t} as a {@code TensorProto} named {@code name}, data in {@code raw_data} (little-endian). */
    public static TensorProto fromTensor(String name, Tensor t) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(onnxType(t.dtype()).getNumber());
        for (long d : t.shape()) b.addDims(d);
        try (Tensor c = t.contiguous()) {
            long bytes = c.numel() * c.dtype().byteSize();
            byte[] data = c.segment().asSlice(c.offset() * c.dtype().byteSize(), bytes).toArray(ValueLayout.JAVA_BYTE);
            b.setRawData(ByteString.copyFrom(data));
        }
        return b.build();
    }
}
