package dev.panamax.cli.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.panamax.onnx.OnnxModel;
import dev.panamax.tensors.memory.MemoryScope;

/** The ONNX importer on fuzzed model bytes; seed: ONNX's own node test of Add. */
class OnnxFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void onnx(byte[] bytes) throws Exception {
        try (MemoryScope s = MemoryScope.open("fuzz")) {
            UserErrors.allowOnlyOneLineErrors(() -> OnnxModel.load(bytes).close());
        }
    }
}
