package dev.panamax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code panamax example resnet --data}: its files and keys on a tiny MNIST-layout folder, and one line for a corrupt label file. */
class ExampleResnetCommandTest {
    @Test
    void writesMetricsWithTheKeysAndBothPictures(@TempDir Path dir) throws IOException {
        Path data = TinyMnist.write(dir.resolve("data"), 320, 100), out = dir.resolve("out");
        String said = MainTest.capture(() -> Main.run("example", "resnet", "--data", data.toString(), "--quick", "--epochs", "1",
                "--out", out.toString()), 0);
        assertTrue(said.contains("resnet") && said.contains("plain_cnn"), said);
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        for (String key : new String[] {"test_accuracy", "test_accuracy_plain_cnn", "epochs", "wall_seconds"}) assertTrue(m.has(key), key + " missing from " + m);
        assertEquals(1, m.get("epochs").asInt());
        assertEquals(320, m.get("train_examples").asInt());
        long counted = 0;
        for (JsonNode row : m.get("confusion")) for (JsonNode cell : row) counted += cell.asLong();
        assertEquals(100, counted);
        assertTrue(Files.size(out.resolve("curves.png")) > 1000);
        assertTrue(Files.size(out.resolve("confusion.png")) > 1000);
    }

    @Test
    void aLabelOutsideTheTenClassesIsOneLine(@TempDir Path dir) throws IOException {
        Path data = TinyMnist.write(dir.resolve("data"), 40, 10);
        TinyMnist.corruptLabel(data, 5, 12);
        String said = MainTest.capture(() -> Main.run("example", "resnet", "--data", data.toString(), "--quick", "--out", dir.resolve("o").toString()), 1);
        assertEquals("panamax example resnet: " + data.resolve("train-labels-idx1-ubyte") + ": label 12 at index 5 is not a class of this data set (0 to 9);"
                + " the label file is corrupt or belongs to another data set", said.strip());
        assertTrue(Files.notExists(dir.resolve("o").resolve("metrics.json")));
    }
}
