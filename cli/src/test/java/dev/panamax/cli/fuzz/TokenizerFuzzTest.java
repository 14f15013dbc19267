package dev.panamax.cli.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.panamax.data.text.WordPieceTokenizer;
import java.io.ByteArrayInputStream;

/** The WordPiece tokenizer.json loader on fuzzed bytes, then an encoding with what loaded; seed: a tiny vocabulary. */
class TokenizerFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void wordPiece(byte[] bytes) throws Exception {
        UserErrors.allowOnlyOneLineErrors(() -> WordPieceTokenizer.load(new ByteArrayInputStream(bytes)).encode("Hello, wörld! 123 ##ing"));
    }
}
