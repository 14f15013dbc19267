package dev.panamax.onnx.graph;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.panamax.onnx.proto.OnnxProto.GraphProto;
import dev.panamax.onnx.proto.OnnxProto.ModelProto;
import dev.panamax.onnx.proto.OnnxProto.TensorProto;
import dev.panamax.tensors.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a model without ever holding its weights on the heap. The model, its graph and each initializer are walked
 * field by field from a stream; every field is parsed by the generated classes as usual, except an initializer's
 * {@code raw_data}, which is skipped in the stream and then copied straight from the file into tensor memory (a
 * positional read into the tensor's buffer). Parsing the whole {@code ModelProto} instead would hold every weight
 * on the heap beside its tensor copy: on JDK 25 protobuf-java cannot alias a memory-mapped file and copies it to a
 * heap array first (measured: the process peaked at 403 MB loading MiniLM's 90 MB, with a 266 MB heap).
 */
public final class ModelReader {
    private ModelReader() {}

    /** The model without its initializers, and the initializers as tensors (the caller owns them). */
    public record Read(ModelProto model, Map<String, Tensor> initializers) {}

    /** Where raw tensor data is read from, by its offset in the file. */
    @FunctionalInterface
    public interface Source {
        /** Fills {@code dst} from the bytes at {@code offset}. */
        void copy(long offset, MemorySegment dst) throws IOException;

        /** A file, read with positional reads into the destination's memory. */
        static Source of(FileChannel ch) {
            return (offset, dst) -> {
                ByteBuffer b = dst.asByteBuffer();
                while (b.hasRemaining()) {
                    if (ch.read(b, offset + b.position()) < 0) throw new EOFException("the file ends inside a tensor's data");
                }
            };
        }

        /** Bytes in memory. */
        static Source of(byte[] bytes) {
            return (offset, dst) -> {
                if (offset + dst.byteSize() > bytes.length) throw new EOFException("the bytes end inside a tensor's data");
                MemorySegment.copy(MemorySegment.ofArray(bytes), offset, dst, 0, dst.byteSize());
            };
        }
    }

    /** Reads {@code in} (a whole ONNX file, also readable through {@code source}); {@code baseDir} is where external data files are. */
    public static Read read(InputStream in, Source source, Path baseDir) throws IOException {
        CodedInputStream cis = CodedInputStream.newInstance(in, 1 << 16);
        cis.setSizeLimit(Integer.MAX_VALUE);
        cis.setRecursionLimit(1000);
        Map<String, Tensor> init = new LinkedHashMap<>();
        try {
            ModelProto.Builder model = ModelProto.newBuilder();
            Fields other = new Fields();
            for (int tag; (tag = cis.readTag()) != 0; ) {
                if (is(tag, ModelProto.GRAPH_FIELD_NUMBER)) {
                    int limit = cis.pushLimit(cis.readRawVarint32());
                    model.mergeGraph(readGraph(cis, source, baseDir, init));
                    cis.popLimit(limit);
                } else {
                    other.copy(cis, tag);
                }
            }
            model.mergeFrom(other.bytes());
            return new Read(model.build(), init);
        } catch (IOException | RuntimeException e) {
            init.values().forEach(Tensor::close);
            throw e;
        }
    }

    private static GraphProto readGraph(CodedInputStream cis, Source source, Path baseDir, Map<String, Tensor> init) throws IOException {
        Fields rest = new Fields();
        while (!cis.isAtEnd()) {
            int tag = cis.readTag();
            if (is(tag, GraphProto.INITIALIZER_FIELD_NUMBER)) {
                int limit = cis.pushLimit(cis.readRawVarint32());
                Fields meta = new Fields();
                long rawOffset = -1, rawLength = -1;
                while (!cis.isAtEnd()) {
                    int t = cis.readTag();
                    if (is(t, TensorProto.RAW_DATA_FIELD_NUMBER)) {
                        rawLength = cis.readRawVarint32() & 0xFFFFFFFFL;
                        rawOffset = cis.getTotalBytesRead();
                        cis.skipRawBytes((int) rawLength);
                    } else {
                        meta.copy(cis, t);
                    }
                }
                cis.popLimit(limit);
                TensorProto p = TensorProto.parseFrom(meta.bytes());
                long at = rawOffset;
                Tensor t = TensorProtos.toTensor(p, baseDir, at < 0 ? null : dst -> source.copy(at, dst), rawLength);
                Tensor old = init.put(p.getName(), t);
                if (old != null) {
                    old.close();
                    throw new IllegalArgumentException("two initializers are named '" + p.getName() + "'; the file is corrupt");
                }
            } else {
                rest.copy(cis, tag);
            }
        }
        return GraphProto.parseFrom(rest.bytes());
    }

    private static boolean is(int tag, int field) {
        return WireFormat.getTagFieldNumber(tag) == field && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }

    /** Fields copied as they are, for the generated parser to read afterwards. */
    private static final class Fields {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final CodedOutputStream out = CodedOutputStream.newInstance(buf);

        void copy(CodedInputStream in, int tag) throws IOException {
            in.skipField(tag, out);
        }

        byte[] bytes() throws IOException {
            out.flush();
            return buf.toByteArray();
        }
    }
}
