package dev.panamax.cli.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.panamax.apps.serve.RequestBodies;

/** The server's {@code :predict} parser for Arrow IPC streams; seeds: FixedSizeList float32 and float64 columns, two record batches, pyarrow's fixed-shape tensor extension. */
class ServeArrowFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void arrow(byte[] body) {
        ServeRefusals.parse(RequestBodies.ARROW, body);
    }
}
