package dev.panamax.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.nn.Activations;
import dev.panamax.nn.Dense;
import dev.panamax.nn.Initializers;
import dev.panamax.nn.Layer;
import dev.panamax.nn.Layers;
import dev.panamax.nn.Preprocessing;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.loss.Loss;
import dev.panamax.nn.train.Predictor;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** User layers, activations, initializers and losses save and load by name; preprocessing travels with the model. */
class RegistryTest {
    /** A user layer: multiplies by a constant factor. */
    static final class Scale extends Layer {
        final double factor;

        Scale(double factor) {
            super("scale");
            this.factor = factor;
        }

        @Override
        public long[] outputShape(long[] inputShape) {
            return inputShape;
        }

        @Override
        public Var forward(Var x, boolean training, Rng rng) {
            return F.mul(x, factor);
        }

        @Override
        public String configJson() {
            return String.format(Locale.ROOT, "{\"factor\": %s}", factor);
        }
    }

    @AfterEach
    void forget() {
        Layers.unregister("Scale");
        Activations.unregister("cube");
        Initializers.unregister("sevens");
        Loss.unregister("double_mse");
    }

    @Test
    void aUserLayerActivationAndInitializerSaveAndLoadByName(@TempDir Path dir) throws IOException {
        Layers.register("Scale", c -> new Scale(c.number("factor", 1)));
        Activations.register("cube", v -> F.mul(F.mul(v, v), v));
        Initializers.register("sevens", (rng, fanIn, fanOut, shape) -> Tensor.full(DType.F32, 0.07, shape));
        try (MemoryScope s = MemoryScope.open("t")) {
            Sequential m = new Sequential(1).add(new Dense(3, "cube").kernelInitializer("sevens")).add(new Scale(2.5)).build(2);
            assertArrayEquals(new float[] {0.07f, 0.07f, 0.07f, 0.07f, 0.07f, 0.07f}, m.params().get(0).value().toFloatArray());
            ModelIo.save(m, dir);
            Sequential back = ModelIo.load(dir);
            assertEquals("Scale", back.layers().get(1).type());
            assertEquals(2.5, ((Scale) back.layers().get(1)).factor);
            Tensor x = Tensor.of(new float[] {1, 2}, 1, 2);
            double h = 0.07 * 3;   // each unit: 0.07·1 + 0.07·2, bias 0
            float want = (float) (h * h * h * 2.5);
            assertArrayEquals(new float[] {want, want, want}, back.forward(Var.of(x), false).value().toFloatArray(), 1e-7f);
        }
    }

    @Test
    void anUnregisteredNameFailsInOneLineNamingTheRegistrationCall(@TempDir Path dir) throws IOException {
        Layers.register("Scale", c -> new Scale(c.number("factor", 1)));
        try (MemoryScope s = MemoryScope.open("t")) {
            ModelIo.save(new Sequential(1).add(new Dense(2, "linear")).add(new Scale(2)).build(2), dir);
        }
        Layers.unregister("Scale");
        IOException e = assertThrows(IOException.class, () -> ModelIo.load(dir));
        assertEquals(dir.resolve("config.json") + ": unknown layer type 'Scale'; register it before loading: "
                + "Layers.register(\"Scale\", config -> new Scale(...))", e.getMessage());
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> Activations.byName("cube"));
        assertTrue(a.getMessage().endsWith("register your own with Activations.register(\"cube\", fn)"), a.getMessage());
        IllegalArgumentException l = assertThrows(IllegalArgumentException.class, () -> Loss.byName("double_mse", false));
        assertTrue(l.getMessage().endsWith("register your own with Loss.register(\"double_mse\", fromLogits -> ...)"), l.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Activations.register("relu", v -> v));
    }

    @Test
    void aRegisteredLossIsFoundByName() {
        Loss.register("double_mse", fromLogits -> (out, y) -> F.mul(F.mse(out, Var.of(y)), 2.0));
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor out = Tensor.of(new float[] {1, 3}, 2), y = Tensor.of(new float[] {0, 0}, 2);
            assertEquals(10.0, Loss.byName("DOUBLE_MSE", false).compute(Var.of(out), y).value().item(), 1e-6);  // 2·(1 + 9)/2
        }
    }

    @Test
    void preprocessingIsSavedAndPredictTakesRawBytes(@TempDir Path dir) throws IOException {
        try (MemoryScope s = MemoryScope.open("t")) {
            Sequential m = new Sequential(1).preprocessing(Preprocessing.pixels()).add(new dev.panamax.nn.Flatten())
                    .add(new Dense(2, "linear")).build(2, 2, 1);
            ModelIo.save(m, dir);
            Sequential back = ModelIo.load(dir);
            assertEquals(Preprocessing.pixels(), back.preprocessing());
            Tensor raw = Tensor.ofBytes(new byte[] {0, (byte) 255, 51, 102}, 1, 2, 2);            // (N, H, W) raw pixels
            Tensor prepared = Tensor.of(new float[] {0, 1, 0.2f, 0.4f}, 1, 2, 2, 1);               // what training saw
            try (Predictor p = new Predictor(back)) {
                assertArrayEquals(p.predict(prepared, 8).toFloatArray(), p.predict(raw, 8).toFloatArray(), 1e-6f);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> p.predict(Tensor.ofBytes(new byte[6], 1, 2, 3), 8));
                assertEquals("preprocessing: inputs of shape [1, 2, 3] do not fit the model's input (batch, 2, 2, 1) in NHWC", e.getMessage());
            }
        }
    }
}
