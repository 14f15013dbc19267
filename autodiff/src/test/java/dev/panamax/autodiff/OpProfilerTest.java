package dev.panamax.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OpProfilerTest {
    @Test
    void reportListsOpsSlowestFirstWithCallsAndTime() {
        OpProfiler.reset();
        OpProfiler.record("Fast forward", 1_000_000);
        OpProfiler.record("Slow backward", 3_000_000);
        OpProfiler.record("Slow backward", 3_000_000);
        String r = OpProfiler.report();
        assertTrue(r.indexOf("Slow backward") < r.indexOf("Fast forward"), r);
        assertTrue(r.matches("(?s).*Slow backward\\s+2\\s+6\\.0\\s+85\\.7%.*"), r);
        OpProfiler.reset();
    }
}
