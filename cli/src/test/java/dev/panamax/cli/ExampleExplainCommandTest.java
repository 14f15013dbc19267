package dev.panamax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.panamax.data.Dataset;
import dev.panamax.data.Mnist;
import dev.panamax.nn.Models;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.nn.loss.Loss;
import dev.panamax.nn.optim.Adam;
import dev.panamax.nn.train.FitOptions;
import dev.panamax.nn.train.Trainer;
import dev.panamax.tensors.memory.MemoryScope;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code panamax example explain} and {@code panamax explain} on an MNIST CNN trained for a few hundred images. */
class ExampleExplainCommandTest {
    @Test
    void explainsTestImagesAndOnePng(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("model"), out = dir.resolve("explain");
        Path mnist = Mnist.locate(null);
        float[] first;
        try (MemoryScope s = MemoryScope.open("train");
             Dataset train = Dataset.readIdx(Mnist.file(mnist, "train-images-idx3-ubyte"), Mnist.file(mnist, "train-labels-idx1-ubyte"), 640)) {
            Sequential m = Models.tutorialCnn(42, 10);
            try (Trainer t = new Trainer(m, new Adam(2e-3), Loss.byName("sparse_categorical_crossentropy", false))) {
                t.fit(train.images(), train.labels(), FitOptions.builder().epochs(1).batchSize(32).build());
            }
            ModelIo.save(m, model);
            first = train.images().slice(0, 0, 1).contiguous().toFloatArray();
        }
        String said = MainTest.capture(() -> Main.run("example", "explain", "--quick", "--model", model.toString(), "--out", out.toString()), 0);
        assertTrue(said.contains("test image 2: label"), said);
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(3, metrics.get("images").asInt());
        assertTrue(Files.size(out.resolve("explain.png")) > 2000);

        BufferedImage digit = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 784; i++) digit.getRaster().setSample(i % 28, i / 28, 0, Math.round(first[i] * 255));
        Path png = dir.resolve("digit.png");
        ImageIO.write(digit, "png", png.toFile());
        String one = MainTest.capture(() -> Main.run("explain", model.toString(), png.toString()), 0);
        assertTrue(one.startsWith("digit.png: class "), one);
        assertTrue(Files.size(dir.resolve("digit-explained.png")) > 1000);

        String missing = MainTest.capture(() -> Main.run("explain", dir.resolve("nowhere").toString(), png.toString()), 1);
        assertTrue(missing.contains("no saved model there") && missing.strip().lines().count() == 1, missing);
    }
}
