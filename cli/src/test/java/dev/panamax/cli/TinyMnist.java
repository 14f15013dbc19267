package dev.panamax.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** A few MNIST-shaped IDX files (28×28 images, labels 0–9) whose digits a small CNN learns in a few epochs. */
final class TinyMnist {
    private TinyMnist() {}

    /** Writes the four IDX files of {@code train} and {@code test} examples into {@code dir}; returns it. */
    static Path write(Path dir, int train, int test) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom r = new SplittableRandom(1);
        write(dir, "train", train, r);
        write(dir, "t10k", test, r);
        return dir;
    }

    private static void write(Path dir, String part, int n, SplittableRandom r) throws IOException {
        ByteBuffer images = ByteBuffer.allocate(16 + n * 28 * 28).putInt(0x803).putInt(n).putInt(28).putInt(28);
        ByteBuffer labels = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
        for (int i = 0; i < n; i++) {
            int label = i % 10;
            labels.put((byte) label);
            for (int p = 0; p < 28 * 28; p++) {
                boolean stroke = (p % 28) / 3 % 10 == label && r.nextDouble() < 0.8;  // a vertical band per digit
                images.put((byte) (stroke ? 255 : r.nextInt(40)));
            }
        }
        Files.write(dir.resolve(part + "-images-idx3-ubyte"), images.array());
        Files.write(dir.resolve(part + "-labels-idx1-ubyte"), labels.array());
    }

    /** Sets label {@code index} of the training labels to {@code value}. */
    static void corruptLabel(Path dir, int index, int value) throws IOException {
        Path f = dir.resolve("train-labels-idx1-ubyte");
        byte[] b = Files.readAllBytes(f);
        b[8 + index] = (byte) value;
        Files.write(f, b);
    }
}
