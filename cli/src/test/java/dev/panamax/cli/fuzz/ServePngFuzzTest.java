package dev.panamax.cli.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** The server's {@code :predict} parser for image bodies; seeds: small PNGs (grey, RGB, palette, 16-bit with alpha). */
class ServePngFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void png(byte[] body) {
        ServeRefusals.parse("image/png", body);
    }
}
