package dev.panamax.apps.embed;

import dev.panamax.tensors.memory.Memory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * Sentences and their embeddings as an Arrow IPC file: a {@code text} column (UTF-8) and an {@code embedding}
 * column ({@code FixedSizeList<float32>[dim]}), one row per sentence, in order. Readable by pyarrow, DuckDB, Polars
 * and Arrow Java without a converter. Written through a temporary file and one atomic move.
 */
public final class EmbeddingFile {
    private EmbeddingFile() {}

    /** What a file holds: the sentences and their vectors, in order. */
    public record Contents(List<String> texts, float[][] vectors) {}

    /** Reads a file written by {@link #write}. */
    public static Contents read(Path file) throws IOException {
        try (BufferAllocator alloc = Memory.root().newChildAllocator("embeddings", 0, Long.MAX_VALUE);
             FileChannel ch = FileChannel.open(file); ArrowFileReader reader = new ArrowFileReader(ch, alloc)) {
            List<String> texts = new java.util.ArrayList<>();
            List<float[]> vectors = new java.util.ArrayList<>();
            while (reader.loadNextBatch()) {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                if (!(root.getVector("text") instanceof VarCharVector text) || !(root.getVector("embedding") instanceof FixedSizeListVector emb)) {
                    throw new IOException(file + ": not an embeddings file (needs columns text and embedding)");
                }
                Float4Vector values = (Float4Vector) emb.getDataVector();
                int dim = emb.getListSize();
                for (int i = 0; i < root.getRowCount(); i++) {
                    texts.add(new String(text.get(i), StandardCharsets.UTF_8));
                    float[] v = new float[dim];
                    for (int j = 0; j < dim; j++) v[j] = values.get(i * dim + j);
                    vectors.add(v);
                }
            }
            return new Contents(texts, vectors.toArray(float[][]::new));
        }
    }

    /** Writes {@code texts} and {@code vectors} (same length, every vector {@code dim} wide) to {@code target}. */
    public static void write(Path target, List<String> texts, float[][] vectors) throws IOException {
        if (texts.size() != vectors.length) throw new IllegalArgumentException(texts.size() + " texts but " + vectors.length + " vectors");
        int n = texts.size(), dim = n == 0 ? 0 : vectors[0].length;
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
        try (BufferAllocator alloc = Memory.root().newChildAllocator("embeddings", 0, Long.MAX_VALUE);
             VarCharVector text = new VarCharVector("text", alloc);
             FixedSizeListVector emb = FixedSizeListVector.empty("embedding", dim, alloc)) {
            emb.addOrGetVector(FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)));
            Float4Vector values = (Float4Vector) emb.getDataVector();
            text.allocateNew(n);
            emb.allocateNew();
            values.allocateNew(Math.multiplyExact(n, dim));
            for (int i = 0; i < n; i++) {
                text.setSafe(i, texts.get(i).getBytes(StandardCharsets.UTF_8));
                emb.setNotNull(i);
                for (int j = 0; j < dim; j++) values.setSafe(i * dim + j, vectors[i][j]);
            }
            text.setValueCount(n);
            values.setValueCount(n * dim);
            emb.setValueCount(n);
            try (VectorSchemaRoot root = VectorSchemaRoot.of(text, emb);
                 FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 ArrowFileWriter w = new ArrowFileWriter(root, null, ch)) {
                w.start();
                w.writeBatch();
                w.end();
                ch.force(true);
            }
            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
