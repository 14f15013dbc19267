package dev.panamax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.onnx.conformance.NodeTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code panamax onnx-test} on a few of libonnx-testdata's node tests: the table, the JSON lines, the operator page, bad folders. */
class OnnxTestCommandTest {
    @Test
    void reportsEachTestAndTheTotals(@TempDir Path dir) throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(NodeTests.DEBIAN_DIR.resolve("test_relu")), "libonnx-testdata is not installed");
        String table = MainTest.capture(() -> Main.run("onnx-test", "--only", "^test_(relu|abs)$"), 0);
        assertTrue(table.contains("passed") && table.contains("test_relu") && table.contains("Relu"), table);
        assertTrue(table.contains("2 passed, 0 failed, 0 unsupported of 2 node tests"), table);

        Path page = dir.resolve("ops.md");
        String json = MainTest.capture(() -> Main.run("onnx-test", "--only", "^test_(relu|bernoulli)$", "--json", "--markdown",
                page.toString()), 0);
        List<String> lines = json.strip().lines().toList();
        assertEquals(3, lines.size(), json);
        assertTrue(lines.get(0).matches("\\{\"test\":\"test_bernoulli\",\"op\":\"Bernoulli\",\"status\":\"unsupported\",\"detail\":\".*Bernoulli.*\"}"),
                lines.get(0));
        assertEquals("{\"test\":\"test_relu\",\"op\":\"Relu\",\"status\":\"passed\",\"detail\":\"\"}", lines.get(1));
        assertEquals("{\"passed\":1,\"failed\":0,\"unsupported\":1,\"total\":2}", lines.get(2));
        String md = Files.readString(page);
        assertTrue(md.contains("| Relu | ") && md.contains("| 1 / 1 |") && md.contains("**1 of 2 node tests pass**"), md);
    }

    @Test
    void aMissingFolderIsOneLine(@TempDir Path dir) {
        String said = MainTest.capture(() -> Main.run("onnx-test", "--dir", dir.resolve("none").toString()), 1);
        assertTrue(said.startsWith("panamax onnx-test: ") && said.contains("no such folder"), said);
        assertEquals(1, said.strip().lines().count(), said);
    }
}
