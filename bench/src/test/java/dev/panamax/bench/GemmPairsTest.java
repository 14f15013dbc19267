package dev.panamax.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.ffm.openblas.Cblas;
import java.util.List;
import org.junit.jupiter.api.Test;

class GemmPairsTest {
    @Test
    void ratiosAreTakenPairByPairAndSplitByTheBaselinesSpeed() {
        // Eight pairs: in the four slow ones (baseline 40) the contender does 30, in the four fast ones (baseline 60) 57.
        double[] contender = {30, 57, 30, 57, 57, 30, 57, 30};
        double[] baseline = {40, 60, 40, 60, 60, 40, 60, 40};
        GemmPairs.Summary s = GemmPairs.Summary.of(1024, contender, baseline);
        assertEquals(8, s.pairs());
        assertEquals(0.75, s.slowQuarterRatio(), 1e-12);
        assertEquals(0.95, s.fastQuarterRatio(), 1e-12);
        assertEquals(40, s.slowQuarterBaseline(), 1e-12);
        assertEquals(60, s.fastQuarterBaseline(), 1e-12);
        assertEquals(0.85, s.median(), 1e-12);  // half the ratios are 0.75, half 0.95
        assertEquals(0.75, s.lowerQuartile(), 1e-12);
        assertEquals(0.95, s.upperQuartile(), 1e-12);
        // The ratio of the medians would say 43.5 / 50 = 0.87; the summary never divides figures from different pairs.
    }

    @Test
    void quantilesInterpolateBetweenRanks() {
        double[] sorted = {1, 2, 3, 4, 5};
        assertEquals(3, GemmPairs.quantile(sorted, 0.5), 1e-12);
        assertEquals(2, GemmPairs.quantile(sorted, 0.25), 1e-12);
        assertEquals(1.5, GemmPairs.quantile(new double[] {1, 2}, 0.5), 1e-12);
    }

    @Test
    void tooFewOrUnequalPairsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> GemmPairs.Summary.of(8, new double[] {1, 2, 3}, new double[] {1, 2, 3}));
        assertThrows(IllegalArgumentException.class, () -> GemmPairs.Summary.of(8, new double[] {1, 2, 3, 4}, new double[] {1, 2, 3, 4, 5}));
    }

    @Test
    void sidesParseAndBadOnesNameTheProblem() {
        assertEquals(new GemmPairs.Side(GemmTable.Impl.java, 2), GemmPairs.Side.parse("java:2"));
        assertEquals(new GemmPairs.Side(GemmTable.Impl.openblas, 1), GemmPairs.Side.parse("openblas"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GemmPairs.Side.parse("mkl:1"));
        assertTrue(e.getMessage().contains("mkl"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GemmPairs.Side.parse("naive:1"));
        assertThrows(IllegalArgumentException.class, () -> GemmPairs.Side.parse("java:0"));
    }

    @Test
    void measuresRealPairsOfTheTwoSides() {
        GemmPairs.Side java = new GemmPairs.Side(GemmTable.Impl.java, 1);
        GemmPairs.Side other = Cblas.isAvailable() ? new GemmPairs.Side(GemmTable.Impl.openblas, 1) : java;
        List<GemmPairs.Summary> summaries = GemmPairs.measure(java, other, new int[] {32, 48}, 0.05);
        assertEquals(List.of(32, 48), summaries.stream().map(GemmPairs.Summary::n).toList());
        for (GemmPairs.Summary s : summaries) {
            assertTrue(s.pairs() >= 4, s.toString());
            assertTrue(s.median() > 0 && Double.isFinite(s.median()), s.toString());
            assertTrue(s.lowerQuartile() <= s.median() && s.median() <= s.upperQuartile(), s.toString());
        }
    }
}
