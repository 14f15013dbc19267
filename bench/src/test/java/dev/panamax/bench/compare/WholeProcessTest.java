package dev.panamax.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The whole-process rows read GNU time's report and the run's last accuracy line, and orient their ratios. */
class WholeProcessTest {
    static String timeReport() throws IOException {
        try (InputStream in = WholeProcessTest.class.getResourceAsStream("/compare/gnu-time-v.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void figuresComeFromGnuTimesReportAndTheFinalAccuracyLine() throws IOException {
        String stdout = "Epoch 1/1: val_accuracy 0.9864, val_loss 0.0421\n"
                + "Test accuracy 0.9501, test loss 0.0900; trained in 3.0 s\n"    // an earlier line: the last one counts
                + "Test accuracy 0.9864, test loss 0.0421; trained in 16.7 s (3,602 samples/s)\n";
        Map<String, Object> r = WholeProcess.result(stdout, timeReport());
        assertEquals(21.24, (double) r.get("value"), 1e-9);                 // Elapsed 0:21.24
        assertEquals(0.9864, (double) r.get("check"), 1e-12);
        assertEquals(456852 / 1024.0, (double) r.get("peak_rss_mb"), 1e-9);  // kbytes to MiB
        assertEquals(17.50 + 3.42, (double) r.get("cpu_seconds"), 1e-9);
    }

    @Test
    void hoursInTheWallTimeCount() throws IOException {
        String report = timeReport().replace("0:21.24", "1:02:03.5");
        assertEquals(3600 + 2 * 60 + 3.5, (double) WholeProcess.result("Test accuracy 0.99", report).get("value"), 1e-9);
    }

    @Test
    void aMissingFigureIsNamed() throws IOException {
        IOException noAccuracy = assertThrows(IOException.class, () -> WholeProcess.result("training failed\n", timeReport()));
        assertEquals("mnist-process: no \"Test accuracy\" line in the process's output", noAccuracy.getMessage());
        IOException noTime = assertThrows(IOException.class, () -> WholeProcess.result("Test accuracy 0.99", "Command exited with non-zero status 1"));
        assertTrue(noTime.getMessage().contains("wall time"), noTime.getMessage());
    }

    @Test
    void rowsForWallTimeMemoryAndCpuTimeWithLowerIsBetterRatios() {
        Compare.Run pan = new Compare.Run(15, 0.9858, Double.NaN, 273, Double.NaN, 2, Double.NaN, Double.NaN, null, 28.6);
        Compare.Run torch = new Compare.Run(21.2, 0.9864, Double.NaN, 446, Double.NaN, 1, Double.NaN, Double.NaN, null, 20.9);
        List<CompareRow> rows = CompareRow.of(new Compare.Measured(Workload.named(WholeProcess.WORKLOAD), List.of(pan), List.of(torch), null));
        assertEquals(List.of("mnist-process", "peak-rss-mnist-process", "cpu-mnist-process"), rows.stream().map(CompareRow::workload).toList());
        assertEquals(21.2 / 15, rows.get(0).ratio(), 1e-12);
        assertEquals(446.0 / 273, rows.get(1).ratio(), 1e-12);
        assertEquals(20.9 / 28.6, rows.get(2).ratio(), 1e-12);   // more CPU seconds than PyTorch: below 1
        assertTrue(rows.get(0).valid(), "accuracies within one point agree");
        Compare.Run worse = new Compare.Run(15, 0.9700, Double.NaN, 273, Double.NaN, 2, Double.NaN, Double.NaN, null, 28.6);
        assertFalse(CompareRow.of(new Compare.Measured(Workload.named(WholeProcess.WORKLOAD), List.of(worse), List.of(torch), null)).get(0).valid());
    }
}
