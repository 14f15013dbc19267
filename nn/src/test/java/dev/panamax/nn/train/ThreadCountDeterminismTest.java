package dev.panamax.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.nn.Model;
import dev.panamax.nn.Models;
import dev.panamax.nn.loss.Loss;
import dev.panamax.nn.optim.Adam;
import dev.panamax.nn.transformer.Gpt;
import dev.panamax.nn.transformer.GptConfig;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Rng;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The same seed gives bit-identical weights on 1, 2 or 3 kernel threads: JVMs started with
 * {@code -Dpanamax.threads=N} train the tutorial CNN and a GPT for a few steps, at sizes where the convolutions,
 * GEMMs and reductions do split across threads, and print a digest of every weight.
 */
class ThreadCountDeterminismTest {
    @Test
    void weightsAreBitIdenticalOnOneTwoAndThreeThreads() throws Exception {
        List<String> outputs = new ArrayList<>();
        for (int threads = 1; threads <= 3; threads++) outputs.add(train(threads));
        for (int t = 1; t < outputs.size(); t++) {
            assertEquals(outputs.get(0), outputs.get(t), "weights after training on 1 and " + (t + 1) + " threads");
        }
    }

    private static String train(int threads) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Dpanamax.threads=" + threads));
        cmd.addAll(List.of("--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-Darrow.allocation.manager.type=Unsafe", "-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "training on " + threads + " threads timed out: " + out);
        assertEquals(0, p.exitValue(), "training on " + threads + " threads failed:\n" + out);
        StringBuilder digests = new StringBuilder();
        for (String line : out.split("\n")) if (line.startsWith("digest ")) digests.append(line).append('\n');
        assertTrue(digests.toString().contains("digest cnn") && digests.toString().contains("digest gpt"), out);
        return digests.toString();
    }

    /** Runs in the child JVM. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            try (MemoryScope scope = MemoryScope.open("determinism")) {
                Model cnn = Models.tutorialCnn(42, 10).build(28, 28, 1);
                try (Trainer t = new Trainer(cnn, Models.tutorialAdam(1e-3, 100), Loss.byName("sparse_categorical_crossentropy", false))) {
                    for (int step = 0; step < 4; step++) {
                        Tensor x = Tensor.uniform(new Rng(step), 0, 1, DType.F32, 64, 28, 28, 1);
                        t.trainOnBatch(x, labels(step, 64, 10, 64));
                    }
                }
                System.out.println("digest cnn " + digest(cnn));

                Gpt gpt = new Gpt(new GptConfig(65, 64, 2, 4, 128, true), 7).build(64);
                Adam adamW = new Adam(1e-3, 0.9, 0.99, 1e-8, 0.1);
                adamW.withoutWeightDecay(gpt.decayExempt()).clipGlobalNorm(1.0);
                try (Trainer t = new Trainer(gpt, adamW, Loss.byName("sparse_categorical_crossentropy", true))) {
                    for (int step = 0; step < 4; step++) {
                        t.trainOnBatch(labels(step, 12 * 64, 65, 12, 64), labels(step + 100, 12 * 64, 65, 12, 64));
                    }
                }
                System.out.println("digest gpt " + digest(gpt));
            }
        }

        /** {@code count} pseudo-random ids below {@code classes}, as F32 in the given shape. */
        private static Tensor labels(long seed, int count, int classes, long... shape) {
            Rng rng = new Rng(seed);
            float[] v = new float[count];
            for (int i = 0; i < count; i++) v[i] = rng.nextInt(classes);
            return Tensor.of(v, shape);
        }

        private static String digest(Model m) throws Exception {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Tensor w : m.weights().values()) {
                for (float f : w.toFloatArray()) {
                    int b = Float.floatToRawIntBits(f);
                    sha.update(new byte[] {(byte) b, (byte) (b >> 8), (byte) (b >> 16), (byte) (b >> 24)});
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        }
    }
}
