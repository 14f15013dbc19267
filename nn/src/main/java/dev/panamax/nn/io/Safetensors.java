package dev.panamax.nn.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.MappedFile;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.AllocationFailedException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The safetensors format (readable by Hugging Face's tools and PyTorch): an 8-byte little-endian header
 * length, a JSON header {@code {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}},
 * then the raw little-endian data. Loading runs no code. Writes are atomic; reads check every offset, size
 * and dtype and name the file and tensor when something is wrong.
 */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    private Safetensors() {}

    private static String code(DType t) {
        return switch (t) {
            case F32 -> "F32";
            case F64 -> "F64";
            case I32 -> "I32";
            case I64 -> "I64";
            case U8 -> "U8";
            default -> throw new IllegalArgumentException("safetensors: Panamax writes F32, F64, I32, I64 and U8 tensors, not " + t + "; convert it first");
        };
    }

    private static DType dtype(String code, String file, String name) throws IOException {
        return switch (code) {
            case "F32" -> DType.F32;
            case "F64" -> DType.F64;
            case "I32" -> DType.I32;
            case "I64" -> DType.I64;
            case "U8" -> DType.U8;
            default -> throw new IOException(file + ": tensor '" + name + "' has dtype " + code + ", which Panamax does not read");
        };
    }

    /**
     * Writes {@code tensors} (in their map order) and {@code metadata} (in sorted key order, so the same weights
     * always give the same bytes) atomically: a temporary sibling, forced to disk, renamed over {@code path}.
     *
     * @param path     the file to write; replaced if it exists
     * @param tensors  the tensors by name, any layout (written contiguous, little-endian)
     * @param metadata free-form strings for the {@code __metadata__} entry
     * @throws IOException when the file cannot be written (an existing one is left as it was), or a tensor's dtype has
     *                     no safetensors code
     */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            new TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        for (var e : tensors.entrySet()) {
            Tensor t = e.getValue();
            long bytes = t.numel() * t.dtype().byteSize();
            ObjectNode n = header.putObject(e.getKey());
            n.put("dtype", code(t.dtype()));
            var shape = n.putArray("shape");
            for (long d : t.shape()) shape.add(d);
            n.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int pad = (8 - json.length % 8) % 8;  // keep the data 8-byte aligned, as the reference writer does
        byte[] head = new byte[json.length + pad];
        System.arraycopy(json, 0, head, 0, json.length);
        java.util.Arrays.fill(head, json.length, head.length, (byte) ' ');
        Path tmp = AtomicFiles.temporarySibling(path);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(head.length).flip();
                ch.write(len);
                ch.write(ByteBuffer.wrap(head));
                for (Tensor t : tensors.values()) {
                    try (Tensor c = t.contiguous()) {
                        long w = c.dtype().byteSize();
                        ByteBuffer b = c.segment().asSlice(c.offset() * w, c.numel() * w).asByteBuffer();
                        while (b.hasRemaining()) ch.write(b);
                    }
                }
                ch.force(true);
            }
            AtomicFiles.commit(tmp, path);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * All tensors in the file, in header order (caller owns them). The file is memory-mapped ({@link MappedFile}),
     * not read into one array, so files over 2 GB load, and the tensors view the mapping without a copy (each
     * whose data is aligned to its dtype, as this writer and the reference one align them). Checked as the
     * format's reference reader checks: the header is a JSON object, every dtype known, every shape non-negative
     * without overflow, and the tensors' data offsets in order, without gaps or overlaps, covering the data
     * section exactly. The mapping is accounted to the current scope's allocator.
     *
     * @param path a safetensors file
     * @return the tensors by name
     * @throws IOException when the file cannot be read or fails a check (the message names the file, the tensor and
     *                     the problem)
     */
    public static Map<String, Tensor> read(Path path) throws IOException {
        return read(path, null);
    }

    /**
     * {@link #read(Path)}, the mapping accounted with {@code accountLike}'s memory (null: the current scope's).
     *
     * @param path        a safetensors file
     * @param accountLike a tensor whose scope's allocator the mapping is accounted to, or null
     * @return the tensors by name, owned by the caller
     * @throws IOException when the file cannot be read or fails a check
     */
    public static Map<String, Tensor> read(Path path, Tensor accountLike) throws IOException {
        String file = path.toString();
        if (Files.isRegularFile(path) && Files.size(path) < 8) throw new IOException(file + ": too short for a safetensors file (" + Files.size(path) + " bytes)");
        try (MappedFile mapped = MappedFile.open(path, accountLike)) {
            Layout layout = layout(file, mapped.segment());
            Map<String, Tensor> out = new LinkedHashMap<>();
            try {
                for (Entry e : layout.entries()) out.put(e.name(), tensor(file, mapped, layout.dataStart(), e));
            } catch (IOException | RuntimeException ex) {
                out.values().forEach(Tensor::close);
                throw ex;
            }
            return out;
        }
    }

    /** {@code e}'s tensor, a view of the mapping (or a copy); a memory error already names the size, this adds the file and tensor. */
    private static Tensor tensor(String file, MappedFile mapped, long dataStart, Entry e) throws IOException {
        try {
            return mapped.tensor(e.dtype(), dataStart + e.begin(), e.shape());
        } catch (AllocationFailedException ex) {
            throw new IOException(file + ": tensor '" + e.name() + "' " + java.util.Arrays.toString(e.shape()) + " " + e.dtype() + ": " + ex.getMessage(), ex);
        }
    }

    /** One tensor's header entry. */
    private record Entry(String name, DType dtype, long[] shape, long begin, long end) {}

    /** The checked header: where the data starts and the entries in file order. */
    private record Layout(long dataStart, java.util.List<Entry> entries) {}

    private static Layout layout(String file, MemorySegment all) throws IOException {
        long size = all.byteSize();
        if (size < 8) throw new IOException(file + ": too short for a safetensors file (" + size + " bytes)");
        long headerLen = all.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
            throw new IOException(file + ": corrupt or truncated safetensors file (header length " + headerLen + ", file "
                    + size + " bytes)");
        }
        JsonNode header = header(file, all, headerLen);
        long dataStart = 8 + headerLen, dataLen = size - dataStart;
        java.util.List<Entry> entries = new java.util.ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().equals("__metadata__")) continue;
            entries.add(entry(file, e.getKey(), e.getValue(), dataLen));
        }
        // In offset order, each tensor must start where the previous ended, and the last end the file.
        java.util.List<Entry> byOffset = new java.util.ArrayList<>(entries);
        byOffset.sort(java.util.Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long at = 0;
        String before = null;
        for (Entry e : byOffset) {
            if (e.begin() != at) {
                throw new IOException(file + ": tensor '" + e.name() + "' starts at data offset " + e.begin() + " but "
                        + (before == null ? "the data section starts at 0" : "'" + before + "' ends at " + at)
                        + (e.begin() < at ? ": their bytes overlap" : ": a gap of unread bytes") + "; the file is corrupt");
            }
            at = e.end();
            before = e.name();
        }
        if (at != dataLen) {
            throw new IOException(file + ": the tensors cover " + at + " of the " + dataLen + " data bytes; the file is corrupt or has trailing bytes");
        }
        return new Layout(dataStart, entries);
    }

    private static JsonNode header(String file, MemorySegment all, long headerLen) throws IOException {
        byte[] bytes = all.asSlice(8, headerLen).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        JsonNode header;
        try {
            header = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException(file + ": the safetensors header is not valid JSON: " + SequentialConfig.firstLine(e), e);
        }
        if (header == null || !header.isObject()) throw new IOException(file + ": the safetensors header is not a JSON object");
        return header;
    }

    private static Entry entry(String file, String name, JsonNode n, long dataLen) throws IOException {
        String what = file + ": tensor '" + name + "'";
        if (!n.isObject() || !n.path("shape").isArray() || !n.path("data_offsets").isArray() || n.path("data_offsets").size() != 2) {
            throw new IOException(what + " needs \"dtype\", \"shape\" and two \"data_offsets\", found " + n);
        }
        DType dt = dtype(n.path("dtype").asText(), file, name);
        long[] shape = new long[n.path("shape").size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = n.path("shape").get(i);
            if (!d.canConvertToLong() || d.asLong() < 0) throw new IOException(what + " has shape " + n.path("shape") + ": dimensions must be whole numbers >= 0");
            shape[i] = d.asLong();
            try {
                numel = Math.multiplyExact(numel, shape[i]);
            } catch (ArithmeticException ex) {
                throw new IOException(what + " has shape " + n.path("shape") + ", whose element count overflows 64 bits; the file is corrupt");
            }
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(numel, (long) dt.byteSize());
        } catch (ArithmeticException ex) {
            throw new IOException(what + " has shape " + n.path("shape") + ", whose byte size overflows 64 bits; the file is corrupt");
        }
        JsonNode b = n.path("data_offsets").get(0), e = n.path("data_offsets").get(1);
        long begin = b.canConvertToLong() ? b.asLong() : -1, end = e.canConvertToLong() ? e.asLong() : -1;
        if (begin < 0 || end < begin || end > dataLen || end - begin != bytes) {
            throw new IOException(what + " " + java.util.Arrays.toString(shape) + " " + dt
                    + " has data offsets [" + b + ", " + e + ") that do not fit its size (" + bytes + " bytes) or the file ("
                    + dataLen + " data bytes): the file is truncated or corrupt");
        }
        return new Entry(name, dt, shape, begin, end);
    }

    /**
     * The {@code __metadata__} strings of a file (memory-mapped: only the header is read).
     *
     * @param path a safetensors file
     * @return the metadata, empty when there is none
     * @throws IOException when the file cannot be read or its header is malformed
     */
    public static Map<String, String> metadata(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            long size = all.byteSize();
            long headerLen = size < 8 ? -1 : all.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw new IOException(path + ": corrupt or truncated safetensors file (header length " + headerLen + ", file " + size + " bytes)");
            }
            JsonNode meta = header(path.toString(), all, headerLen).path("__metadata__");
            Map<String, String> m = new LinkedHashMap<>();
            meta.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
            return m;
        }
    }
}
