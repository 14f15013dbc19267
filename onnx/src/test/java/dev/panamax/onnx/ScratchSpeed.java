package dev.panamax.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScratchSpeed {
    @Test
    void speed() throws Exception {
        int b = Integer.getInteger("b", 32), t = Integer.getInteger("t", 128), reps = Integer.getInteger("reps", 5);
        long[][] ids = new long[b][t], mask = new long[b][t], types = new long[b][t];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < b; i++) for (int j = 0; j < t; j++) { ids[i][j] = j == 0 ? 101 : 1000 + r.nextInt(20000); mask[i][j] = 1; }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        var opts = new OrtSession.SessionOptions();
        opts.setIntraOpNumThreads(2);
        opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        try (OnnxModel model = OnnxModel.load(MiniLmFiles.model()); MemoryScope s = MemoryScope.open("x")) {
            Tensor ti = Tensor.of(flat(ids), b, t), tm = Tensor.of(flat(mask), b, t), tt = Tensor.of(flat(types), b, t);
            Map<String, Tensor> in = Map.of("input_ids", ti, "attention_mask", tm, "token_type_ids", tt);
            System.out.println("after load: allocated MB " + dev.panamax.tensors.memory.Memory.allocatedBytes() / 1e6 + " rss " + rss());
            for (int round = 0; round < 3; round++) {
                System.out.println("allocated MB " + dev.panamax.tensors.memory.Memory.allocatedBytes() / 1e6 + " rss " + rss());
                long t0 = System.nanoTime();
                for (int k = 0; k < reps; k++) model.runSingle(in).close();
                double pan = (System.nanoTime() - t0) / 1e9 / reps;
                double o = 1;
                System.out.printf("round %d: panamax %.1f ms (%.1f sent/s), ort %.1f ms (%.1f sent/s), ratio %.2f%n", round, pan * 1e3, b / pan, o * 1e3, b / o, o / pan);
            }
            if (Boolean.getBoolean("profile")) {
                dev.panamax.onnx.runtime.Profile.enabled = true;
                for (int k = 0; k < reps; k++) model.runSingle(in).close();
                System.out.println(dev.panamax.onnx.runtime.Profile.report());
            }
        }
    }

    static String rss() throws Exception {
        return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS") || l.startsWith("VmHWM")).toList().toString();
    }

    static long[] flat(long[][] v) {
        long[] f = new long[v.length * v[0].length];
        for (int i = 0; i < v.length; i++) System.arraycopy(v[i], 0, f, i * v[0].length, v[0].length);
        return f;
    }
}
