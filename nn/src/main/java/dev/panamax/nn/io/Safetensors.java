package dev.panamax.nn.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

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

    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
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
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(head.length).flip();
            ch.write(len);
            ch.write(ByteBuffer.wrap(head));
            for (Tensor t : tensors.values()) {
                try (Tensor c = t.contiguous()) {
                    long w = c.dtype().byteSize();
                    ch.write(c.segment().asSlice(c.offset() * w, c.numel() * w).asByteBuffer());
                }
            }
            ch.force(true);
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** All tensors in the file, in header order (caller owns them). */
    public static Map<String, Tensor> read(Path path) throws IOException {
        String file = path.toString();
        byte[] all = Files.readAllBytes(path);
        if (all.length < 8) throw new IOException(file + ": too short for a safetensors file (" + all.length + " bytes)");
        long headerLen = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > all.length) {
            throw new IOException(file + ": corrupt or truncated safetensors file (header length " + headerLen + ", file "
                    + all.length + " bytes)");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(all, 8, (int) headerLen, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException(file + ": the safetensors header is not valid JSON: " + e.getMessage(), e);
        }
        long dataStart = 8 + headerLen, dataLen = all.length - dataStart;
        Map<String, Tensor> out = new LinkedHashMap<>();
        try {
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getKey().equals("__metadata__")) continue;
                JsonNode n = e.getValue();
                DType dt = dtype(n.path("dtype").asText(), file, e.getKey());
                long[] shape = new long[n.path("shape").size()];
                for (int i = 0; i < shape.length; i++) shape[i] = n.path("shape").get(i).asLong();
                long begin = n.path("data_offsets").path(0).asLong(-1), end = n.path("data_offsets").path(1).asLong(-1);
                long numel = java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
                if (begin < 0 || end > dataLen || end - begin != numel * dt.byteSize()) {
                    throw new IOException(file + ": tensor '" + e.getKey() + "' " + java.util.Arrays.toString(shape) + " " + dt
                            + " has data offsets [" + begin + ", " + end + ") that do not fit its size or the file ("
                            + dataLen + " data bytes): the file is truncated or corrupt");
                }
                Tensor t = Tensor.empty(dt, shape);
                MemorySegment.copy(MemorySegment.ofArray(all), dataStart + begin, t.segment(), 0, end - begin);
                out.put(e.getKey(), t);
            }
        } catch (IOException | RuntimeException ex) {
            out.values().forEach(Tensor::close);
            throw ex;
        }
        return out;
    }

    /** The {@code __metadata__} strings of a file. */
    public static Map<String, String> metadata(Path path) throws IOException {
        byte[] all = Files.readAllBytes(path);
        long headerLen = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode meta = JSON.readTree(new String(all, 8, (int) headerLen, StandardCharsets.UTF_8)).path("__metadata__");
        Map<String, String> m = new LinkedHashMap<>();
        meta.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }
}
