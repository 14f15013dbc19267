package dev.panamax.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Medians, ranges, per-pair ratios oriented so that above 1 means Panamax is better, and the validity rule. */
class CompareRowTest {
    static Compare.Run run(double value, double check, double p99, double rss) {
        return new Compare.Run(value, check, p99, rss, Double.NaN, 2, Double.NaN, Double.NaN, null, Double.NaN);
    }

    @Test
    void throughputRatioIsPanamaxOverPyTorchWithMedianAndPairRange() {
        Compare.Measured m = new Compare.Measured(Workload.named("cnn-step-32"),
                List.of(run(300, 1.0, 0, 500), run(100, 1.0, 0, 520), run(200, 1.0, 0, 510)),
                List.of(run(100, 1.001, 0, 600), run(100, 1.0, 0, 610), run(50, 0.999, 0, 605)), null);
        List<CompareRow> rows = CompareRow.of(m);
        CompareRow step = rows.get(0);
        assertEquals(200, step.panamax().median());
        assertEquals(100, step.panamax().min());
        assertEquals(300, step.panamax().max());
        assertEquals(2.0, step.ratio(), 1e-12);       // 200 / 100
        assertEquals(1.0, step.ratioMin(), 1e-12);    // pair 2: 100 / 100
        assertEquals(4.0, step.ratioMax(), 1e-12);    // pair 3: 200 / 50
        assertEquals(List.of(3.0, 1.0, 4.0), step.pairRatios());
        assertTrue(CompareReport.json(step).contains("\"pair_ratios\":[3.0,1.0,4.0]"), CompareReport.json(step));
        assertTrue(step.valid());
        CompareRow memory = rows.get(1);              // lower is better: PyTorch / Panamax
        assertEquals("peak-rss-cnn-step-32", memory.workload());
        assertEquals(605.0 / 510.0, memory.ratio(), 1e-12);
    }

    @Test
    void latencyRatioIsPyTorchOverPanamaxAndP99GetsItsOwnRow() {
        Compare.Measured m = new Compare.Measured(Workload.named("cnn-latency-1"), List.of(run(0.5, 0.1, 2.0, 0)),
                List.of(run(1.0, 0.1, 3.0, 0)), null);
        List<CompareRow> rows = CompareRow.of(m);
        assertEquals(2.0, rows.get(0).ratio(), 1e-12);
        assertEquals("cnn-latency-1-p99", rows.get(1).workload());
        assertEquals(1.5, rows.get(1).ratio(), 1e-12);
    }

    @Test
    void oneDisagreeingPairMakesTheRowInvalidAndNoPyTorchMakesItUnknown() {
        Workload w = Workload.named("cnn-step-128");
        Compare.Measured bad = new Compare.Measured(w, List.of(run(1, 0.50, 0, 0), run(1, 0.50, 0, 0)),
                List.of(run(1, 0.50, 0, 0), run(1, 0.60, 0, 0)), null);
        assertFalse(CompareRow.of(bad).get(0).valid());
        Compare.Measured alone = new Compare.Measured(w, List.of(run(1, 0.5, 0, 0)), List.of(), null);
        CompareRow r = CompareRow.of(alone).get(0);
        assertNull(r.valid());
        assertTrue(Double.isNaN(r.ratio()));
        assertTrue(CompareReport.json(r).contains("\"pytorch\":null"), CompareReport.json(r));
    }

    @Test
    void generationGetsAFirstTokenRowAndANoteOnPyTorchsLoopAndNearestTie() {
        Compare.Run pan = new Compare.Run(1600, 42, Double.NaN, 130, Double.NaN, 2, 1.5, Double.NaN, null, Double.NaN);
        Compare.Run torch = new Compare.Run(1200, 42, Double.NaN, 250, Double.NaN, 1, 1.2, 0.008, "kv-cache", Double.NaN);
        List<CompareRow> rows = CompareRow.of(new Compare.Measured(Workload.named("gpt-generate"), List.of(pan), List.of(torch), null));
        assertEquals(2, rows.size());
        assertEquals(1600.0 / 1200.0, rows.get(0).ratio(), 1e-12);
        assertTrue(rows.get(0).note().contains("kv-cache 1/1") && rows.get(0).note().contains("0.00800"), rows.get(0).note());
        assertEquals("gpt-first-token", rows.get(1).workload());
        assertEquals(1.2 / 1.5, rows.get(1).ratio(), 1e-12);
        assertTrue(rows.get(1).valid());
        Compare.Run other = new Compare.Run(1600, 43, Double.NaN, 130, Double.NaN, 2, 1.5, Double.NaN, null, Double.NaN);
        assertFalse(CompareRow.of(new Compare.Measured(Workload.named("gpt-generate"), List.of(other), List.of(torch), null)).get(0).valid(),
                "other token ids: invalid");
    }
}
