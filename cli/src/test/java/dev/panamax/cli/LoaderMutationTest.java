package dev.panamax.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.panamax.data.Idx;
import dev.panamax.nn.Models;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.nn.io.Safetensors;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded mutation fuzzer for the loaders a user's files reach: the IDX reader, the safetensors reader, the model
 * config reader and the image path of {@code predict}. Each gets a few hundred damaged copies of a valid file (bytes
 * flipped, cut short, sizes set huge, chunks repeated) and must either load it or refuse it with a one-line
 * message (an {@link IOException} or {@link IllegalArgumentException}): never another exception, a crash or an
 * "internal error". Deterministic (fixed seeds), so a failure names a mutant that reproduces.
 */
class LoaderMutationTest {
    private static final int MUTANTS = 250;

    /** What a loader does with one file. */
    @FunctionalInterface
    interface Loader {
        void load(Path file) throws Exception;
    }

    private static void fuzz(Path valid, long seed, Loader loader) throws Exception {
        byte[] good = Files.readAllBytes(valid);
        loader.load(valid);  // the valid file loads
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < MUTANTS; i++) {
            byte[] bad = mutate(good, r);
            Files.write(valid, bad);
            try (MemoryScope s = MemoryScope.open("mutant")) {
                loader.load(valid);
            } catch (IOException | IllegalArgumentException e) {
                assertNotNull(e.getMessage(), "mutant " + i + " of " + valid.getFileName() + ": an error without a message");
                assertFalse(e.getMessage().contains("\n"), "mutant " + i + ": a message of several lines: " + e.getMessage());
            } catch (Throwable t) {
                Path kept = valid.resolveSibling("mutant-" + i + "-" + valid.getFileName());
                Files.write(kept, bad);
                throw new AssertionError("mutant " + i + " of " + valid.getFileName() + " (seed " + seed + ", kept as " + kept + ") threw " + t, t);
            }
        }
        Files.write(valid, good);
    }

    /** One to three damages: a byte changed, the file cut, a 4-byte field set huge or negative, a chunk repeated. */
    static byte[] mutate(byte[] good, SplittableRandom r) {
        byte[] b = good.clone();
        for (int k = 1 + r.nextInt(3); k > 0; k--) {
            switch (r.nextInt(4)) {
                case 0 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                case 1 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1));
                case 2 -> {
                    if (b.length >= 4) {
                        int at = r.nextInt(b.length - 3), v = new int[] {-1, Integer.MAX_VALUE, 1 << 30, 0}[r.nextInt(4)];
                        for (int j = 0; j < 4; j++) b[at + j] = (byte) (v >>> (8 * (3 - j)));
                    }
                }
                default -> {
                    if (b.length > 0) {
                        int from = r.nextInt(b.length), len = Math.min(b.length - from, 1 + r.nextInt(64));
                        byte[] longer = Arrays.copyOf(b, b.length + len);
                        System.arraycopy(b, from, longer, from + len, b.length - from);
                        b = longer;
                    }
                }
            }
            if (b.length == 0) break;
        }
        return b;
    }

    @Test
    void idxFiles(@TempDir Path dir) throws Exception {
        Path data = TinyMnist.write(dir, 4, 2);
        fuzz(data.resolve("train-images-idx3-ubyte"), 1, f -> Idx.read(f).close());
        fuzz(data.resolve("train-labels-idx1-ubyte"), 2, f -> Idx.read(f).close());
    }

    @Test
    void safetensorsAndModelConfigs(@TempDir Path dir) throws Exception {
        try (MemoryScope s = MemoryScope.open("t")) {
            ModelIo.save(Models.tutorialCnn(1, 10).build(28, 28, 1), dir);
        }
        fuzz(dir.resolve(ModelIo.WEIGHTS), 3, f -> Safetensors.read(f).values().forEach(Tensor::close));
        fuzz(dir.resolve(ModelIo.CONFIG), 4, f -> {
            try (Sequential m = ModelIo.load(f.getParent())) {
                m.paramCount();
            }
        });
    }

    @Test
    void imagesGivenToPredict(@TempDir Path dir) throws Exception {
        try (MemoryScope s = MemoryScope.open("t")) {
            ModelIo.save(Models.tutorialCnn(1, 10).build(28, 28, 1), dir.resolve("model"));
        }
        BufferedImage img = new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB);
        for (int y = 3; y < 17; y++) img.setRGB(9, y, 0xffffff);
        for (String format : new String[] {"png", "jpg"}) {
            Path file = dir.resolve("digit." + format);
            ImageIO.write(img, format.equals("jpg") ? "jpeg" : format, file.toFile());
            String model = dir.resolve("model").toString();
            fuzz(file, format.hashCode(), f -> {
                String said = MainTest.capture(() -> {
                    Main.run("predict", model, f.toString());  // 0 or 1: the output says which and why
                    return 0;
                }, 0);
                if (said.contains("internal error") || said.contains("\tat ")) throw new AssertionError(said);
            });
        }
    }
}
