package dev.panamax.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness end to end on the cheapest workload (sgemm n=256, one round), with a stand-in for Python that
 * answers like worker.py: a real Panamax worker JVM runs, the reports are written, the loss/checksum check
 * decides validity, and a missing PyTorch means Panamax alone with instructions.
 */
class CompareCommandTest {
    /** Σ C for the harness's n×n matrices (see PanamaxWorker.gemm): Σ_p (Σ_i a_ip)(Σ_j b_pj), exact in double. */
    static double gemmChecksum(int n) {
        double[] colA = new double[n], rowB = new double[n];
        for (long i = 0; i < (long) n * n; i++) {
            colA[(int) (i % n)] += (((i * 7) % 13) - 6) / 8.0;
            rowB[(int) (i / n)] += (((i * 5) % 11) - 5) / 8.0;
        }
        double s = 0;
        for (int p = 0; p < n; p++) s += colA[p] * rowB[p];
        return s;
    }

    /** A fake interpreter: ignores the script, describes itself, or reports a fixed figure and the given check. */
    static Path fakePython(Path dir, double check) throws Exception {
        Path py = dir.resolve("fake-python");
        Files.writeString(py, """
                #!/bin/sh
                if [ "$1" = "-c" ]; then exit 0; fi
                if [ "$2" = "describe" ]; then echo '{"version": "fake", "blas": "none", "onednn": false}'; exit 0; fi
                echo '{"value": 10.0, "check": %s, "peak_rss_mb": 100.0, "numpy": 5.0}'
                """.formatted(Double.toString(check)));
        Files.setPosixFilePermissions(py, PosixFilePermissions.fromString("rwxr-xr-x"));
        return py;
    }

    static List<JsonNode> run(Path out, String python) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = BenchCli.run("compare", "--quick", "--rounds", "1", "--threads", "1", "--only", "gemm-256", "--python", python,
                    "--out", out.toString(), "--json");
        } finally {
            System.setOut(old);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = text.lines().filter(l -> l.startsWith("{")).map(l -> {
            try {
                return json.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList();
        assertEquals(rows.stream().anyMatch(r -> r.path("valid").asBoolean(true) == false) ? 3 : 0, code, text);
        return rows;
    }

    @Test
    void agreeingSidesGiveAValidRowAndEveryReportFile(@TempDir Path dir) throws Exception {
        List<JsonNode> rows = run(dir, fakePython(dir, gemmChecksum(256)).toString());
        assertEquals(1, rows.size());
        JsonNode r = rows.get(0);
        assertEquals("gemm-256", r.get("workload").asText());
        assertEquals("GFLOP/s", r.get("unit").asText());
        assertTrue(r.get("valid").asBoolean(), r.toString());
        assertTrue(r.get("panamax").asDouble() > 0);
        assertEquals(10.0, r.get("pytorch").asDouble());
        assertEquals(r.get("panamax").asDouble() / 10.0, r.get("ratio").asDouble(), 1e-9);
        assertEquals(5.0, r.get("numpy").asDouble());
        String date = LocalDate.now().toString();
        for (String ext : new String[] {"md", "csv", "jsonl", "png"}) {
            assertTrue(Files.size(dir.resolve("compare-" + date + "." + ext)) > 0, ext);
        }
        String md = Files.readString(dir.resolve("compare-" + date + ".md"));
        assertTrue(md.contains("| sgemm n=256 | GFLOP/s |") && md.contains("version fake"), md);
    }

    @Test
    void disagreeingChecksumMarksTheRowInvalid(@TempDir Path dir) throws Exception {
        List<JsonNode> rows = run(dir, fakePython(dir, gemmChecksum(256) + 1).toString());
        assertEquals(false, rows.get(0).get("valid").asBoolean(), rows.toString());
    }

    @Test
    void withoutPyTorchPanamaxRunsAlone(@TempDir Path dir) throws Exception {
        List<JsonNode> rows = run(dir, dir.resolve("no-such-python").toString());
        JsonNode r = rows.get(0);
        assertTrue(r.get("pytorch").isNull() && r.get("valid").isNull(), r.toString());
        assertTrue(r.get("panamax").asDouble() > 0, r.toString());
    }
}
