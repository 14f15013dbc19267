package dev.panamax.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.autodiff.GradMode;
import dev.panamax.autodiff.Var;
import dev.panamax.nn.Activation;
import dev.panamax.nn.BatchNormalization;
import dev.panamax.nn.Conv2D;
import dev.panamax.nn.Dense;
import dev.panamax.nn.Dropout;
import dev.panamax.nn.Flatten;
import dev.panamax.nn.GlobalAveragePooling2D;
import dev.panamax.nn.LayerNormalization;
import dev.panamax.nn.MaxPooling2D;
import dev.panamax.nn.Model;
import dev.panamax.nn.Conv2DTranspose;
import dev.panamax.nn.LeakyReLU;
import dev.panamax.nn.Models;
import dev.panamax.nn.UpSampling2D;
import dev.panamax.nn.Reshape;
import dev.panamax.nn.Sequential;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelIoTest {
    static Sequential tutorial() {
        return Models.tutorialCnn(42, 10);
    }

    /** The model's outputs in inference mode, as Java floats. */
    static float[] infer(Model m, Tensor x) {
        try (GradMode.Switch off = GradMode.noGrad(); MemoryScope s = MemoryScope.open("infer")) {
            return m.forward(Var.of(x), false).value().toFloatArray();
        }
    }

    @Test
    void savedModelPredictsExactlyTheSame(@TempDir Path dir) throws IOException {
        try (MemoryScope s = MemoryScope.open("t")) {
            Sequential m = tutorial().build(28, 28, 1);
            Tensor x = Tensor.rand(new Rng(2), DType.F32, 3, 28, 28, 1);
            ModelIo.save(m, dir);
            Sequential back = ModelIo.load(dir);
            assertEquals(93_322, back.paramCount());
            assertArrayEquals(infer(m, x), infer(back, x));
            assertEquals("panamax", Safetensors.metadata(dir.resolve(ModelIo.WEIGHTS)).get("producer"));
        }
    }

    /** Every layer kind round-trips, batch normalisation's running statistics included. */
    @Test
    void everyLayerSavesAndLoads(@TempDir Path dir) throws IOException {
        try (MemoryScope s = MemoryScope.open("t")) {
            Sequential m = new Sequential(5)
                    .add(new Conv2D(4, 3, 3, 1, "same", 1, "linear")).add(new BatchNormalization()).add(new Activation("relu"))
                    .add(new MaxPooling2D(2, 2, "valid", true)).add(new GlobalAveragePooling2D())
                    .add(new Reshape(2, 2)).add(new LayerNormalization()).add(new Flatten()).add(new Dropout(0.5))
                    .add(new Dense(3, "softmax"))
                    .build(6, 6, 2);
            Tensor x = Tensor.rand(new Rng(1), DType.F32, 8, 6, 6, 2);
            m.forward(Var.of(x), true);  // moves the running statistics away from their initial values
            ModelIo.save(m, dir);
            Sequential back = ModelIo.load(dir);
            assertTrue(back.layers().get(1).buffers().get(0).allClose(m.layers().get(1).buffers().get(0), 0, 0), "running mean");
            assertArrayEquals(infer(m, x), infer(back, x), 1e-6f);
        }
    }

    /** The generator's layers round-trip: transposed convolutions with and without bias, upsampling, leaky ReLU's slope. */
    @Test
    void generatorLayersSaveAndLoad(@TempDir Path dir) throws IOException {
        try (MemoryScope s = MemoryScope.open("t")) {
            Sequential m = new Sequential(6)
                    .add(new Dense(36, "linear")).add(new Reshape(3, 3, 4))
                    .add(new Conv2DTranspose(3, 4, 4, 2, "same", false, "linear")).add(new BatchNormalization()).add(new LeakyReLU(0.2))
                    .add(new UpSampling2D(2)).add(new Conv2DTranspose(1, 3, 3, 1, "valid", true, "tanh"))
                    .build(5);
            assertArrayEquals(new long[] {14, 14, 1}, m.outputShape());
            Tensor x = Tensor.rand(new Rng(3), DType.F32, 4, 5);
            ModelIo.save(m, dir);
            Sequential back = ModelIo.load(dir);
            assertArrayEquals(infer(m, x), infer(back, x), 1e-6f);
        }
    }

    @Test
    void safetensorsLayoutFollowsTheSpecification(@TempDir Path dir) throws IOException {
        try (MemoryScope s = MemoryScope.open("t")) {
            Path f = dir.resolve("t.safetensors");
            Safetensors.write(f, Map.of("a", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3)), Map.of());
            byte[] b = Files.readAllBytes(f);
            long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            String header = new String(b, 8, (int) n).trim();
            assertEquals("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}", header);
            assertEquals(8 + n + 24, b.length);
            assertEquals(0, (8 + n) % 8, "data starts 8-byte aligned");
            assertEquals(6f, ByteBuffer.wrap(b, (int) (8 + n + 20), 4).order(ByteOrder.LITTLE_ENDIAN).getFloat());
            Map<String, Tensor> back = Safetensors.read(f);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, back.get("a").toFloatArray());
            back.values().forEach(Tensor::close);
        }
    }

    @Test
    void corruptTruncatedOrForeignWeightsAreRejected(@TempDir Path dir) throws IOException {
        try (MemoryScope s = MemoryScope.open("t")) {
            Sequential m = new Sequential(1).add(new Flatten()).add(new Dense(4, "relu")).add(new Dense(2, "softmax")).build(3, 2);
            ModelIo.save(m, dir);
            Path w = dir.resolve(ModelIo.WEIGHTS);
            byte[] good = Files.readAllBytes(w);
            Files.write(w, java.util.Arrays.copyOf(good, good.length - 7));
            IOException trunc = assertThrows(IOException.class, () -> ModelIo.load(dir));
            assertTrue(trunc.getMessage().contains("truncated"), trunc.getMessage());
            Files.write(w, new byte[] {5, 0, 0, 0, 0, 0, 0, 0, '{', 'x', 'y'});
            assertThrows(IOException.class, () -> ModelIo.load(dir));
            Path other = dir.resolve("other");
            ModelIo.save(new Sequential(1).add(new Flatten()).add(new Dense(5, "relu")).add(new Dense(2, "softmax")).build(3, 2), other);
            Files.copy(other.resolve(ModelIo.WEIGHTS), w, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            IOException foreign = assertThrows(IOException.class, () -> ModelIo.load(dir));
            assertTrue(foreign.getMessage().contains("dense.kernel") && foreign.getMessage().contains("another model"), foreign.getMessage());
            IOException missing = assertThrows(IOException.class, () -> ModelIo.load(dir.resolve("nothing")));
            assertTrue(missing.getMessage().contains("config.json"), missing.getMessage());
            m.close();
        }
    }
}
