package dev.panamax.cli.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.panamax.apps.image.GreyPixels;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The image reader behind {@code panamax predict} and {@code explain} ({@link GreyPixels#read}) on fuzzed bytes;
 * seeds: small PNGs (grey, RGB, palette, 16-bit with alpha) and a JPEG.
 */
class ImageFuzzTest {
    private static Path file;

    @FuzzTest(maxDuration = "10s")
    void png(byte[] bytes) throws Exception {
        if (file == null) file = UserErrors.file("fuzz.png", bytes);
        else Files.write(file, bytes);
        UserErrors.allowOnlyOneLineErrors(() -> GreyPixels.read(file, 28, 28));
    }
}
