package dev.panamax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.nn.Models;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.tensors.memory.MemoryScope;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictCommandTest {
    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.run(args), String.join(" ", args));
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void classifiesAPngWithASavedModel(@TempDir Path dir) throws Exception {
        try (MemoryScope s = MemoryScope.open("t")) {
            var model = Models.tutorialCnn(3, 10).build(28, 28, 1);
            ModelIo.save(model, dir.resolve("model"));
        }
        BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);  // resized to 28x28 on the way in
        for (int y = 5; y < 35; y++) for (int x = 18; x < 22; x++) img.setRGB(x, y, 0xffffff);
        Path png = dir.resolve("one.png");
        ImageIO.write(img, "png", png.toFile());
        String out = run("predict", dir.resolve("model").toString(), png.toString());
        assertTrue(out.matches("(?s)one\\.png\\[0\\]: class \\d \\(p = 0\\.\\d{4}\\)\\s*"), out);
    }

    @Test
    void missingInputsAreReportedWithoutAStackTrace(@TempDir Path dir) {
        assertEquals(1, Main.run("predict", dir.toString(), dir.resolve("none.png").toString()));
        assertEquals(1, Main.run("evaluate", dir.toString(), "--data", dir.toString()));
    }

    @Test
    void aFolderOrADamagedImageGetsAClearLine(@TempDir Path dir) throws Exception {
        try (MemoryScope s = MemoryScope.open("t")) {
            ModelIo.save(Models.tutorialCnn(3, 10).build(28, 28, 1), dir.resolve("model"));
        }
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        Path png = dir.resolve("whole.png");
        ImageIO.write(img, "png", png.toFile());
        byte[] bytes = java.nio.file.Files.readAllBytes(png);
        Path cut = java.nio.file.Files.write(dir.resolve("cut.png"), java.util.Arrays.copyOf(bytes, 40));
        String model = dir.resolve("model").toString();
        assertTrue(MainTest.capture(() -> Main.run("predict", model, dir.toString()), 1).contains(dir + " is a folder: give one image file"));
        String damaged = MainTest.capture(() -> Main.run("predict", model, cut.toString()), 1);
        assertTrue(damaged.contains("cut.png: a damaged or truncated image") && !damaged.contains("\tat "), damaged);
        assertTrue(MainTest.capture(() -> Main.run("predict", png.toString(), png.toString()), 1).contains("whole.png is a file; the first argument is a model folder"));
    }

    /**
     * A PNG whose header claims 70,000 × 70,000 pixels (a 4.9 G-pixel raster): refused from the header, before any
     * decoding allocates it (ImageIO alone ends in OutOfMemoryError).
     */
    @Test
    void anImageClaimingBillionsOfPixelsIsRefusedFromItsHeader(@TempDir Path dir) throws Exception {
        try (MemoryScope s = MemoryScope.open("t")) {
            ModelIo.save(Models.tutorialCnn(3, 10).build(28, 28, 1), dir.resolve("model"));
        }
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(17).put("IHDR".getBytes(StandardCharsets.US_ASCII))
                .putInt(70_000).putInt(70_000).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(ihdr.array());
        java.nio.ByteBuffer png = java.nio.ByteBuffer.allocate(8 + 4 + 17 + 4 + 12)
                .put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}).putInt(13).put(ihdr.array()).putInt((int) crc.getValue())
                .putInt(0).put("IEND".getBytes(StandardCharsets.US_ASCII)).putInt(0xae426082);
        Path huge = java.nio.file.Files.write(dir.resolve("huge.png"), png.array());
        String said = MainTest.capture(() -> Main.run("predict", dir.resolve("model").toString(), huge.toString()), 1);
        assertTrue(said.contains("huge.png: an image of 70000 x 70000 pixels, more than the 67,108,864 this reads") && !said.contains("\tat "), said);
    }
}
