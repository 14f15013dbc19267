package dev.panamax.cli.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.panamax.data.text.BpeTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * GPT-2 BPE's loader on fuzzed bytes, then an encoding and decoding with what loaded. The input's bytes before its
 * first zero byte are {@code encoder.json}, the rest the merges file; seed: a tiny byte-level vocabulary. (A class of
 * its own: Jazzer fuzzes one target per JVM.)
 */
class BpeFuzzTest {
    private static Path dir;

    @FuzzTest(maxDuration = "10s")
    void bpe(byte[] bytes) throws Exception {
        if (dir == null) dir = UserErrors.file("unused", new byte[0]).getParent();
        int zero = 0;
        while (zero < bytes.length && bytes[zero] != 0) zero++;
        Files.write(dir.resolve(BpeTokenizer.ENCODER_JSON), Arrays.copyOf(bytes, zero));
        Files.write(dir.resolve(BpeTokenizer.MERGES), Arrays.copyOfRange(bytes, Math.min(zero + 1, bytes.length), bytes.length));
        UserErrors.allowOnlyOneLineErrors(() -> {
            BpeTokenizer t = BpeTokenizer.load(dir);
            t.decode(t.encode("Hello, wörld! 123 ##ing"));
        });
    }
}
