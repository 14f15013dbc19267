package dev.panamax.cli.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.panamax.apps.serve.RequestBodies;

/** The server's {@code :predict} parser for NumPy's {@code .npy}; seeds: float32 and float64 batches in format versions 1 and 3. */
class ServeNpyFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void npy(byte[] body) {
        ServeRefusals.parse(RequestBodies.NPY, body);
    }
}
