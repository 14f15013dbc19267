package dev.panamax.cli.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.panamax.apps.serve.RequestBodies;

/** The server's {@code :predict} parser for JSON instances ({@code {"instances": [...]}}); seeds: one image in each accepted shape, two images, extra fields. */
class ServeJsonFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void json(byte[] body) {
        ServeRefusals.parse(RequestBodies.JSON, body);
    }
}
