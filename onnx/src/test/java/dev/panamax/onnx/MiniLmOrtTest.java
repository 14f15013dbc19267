package dev.panamax.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The imported all-MiniLM-L6-v2 against ONNX Runtime on the same file and inputs. Each test loads its own model,
 * so the leak check after it also proves that closing a model frees its plans and arenas.
 */
class MiniLmOrtTest {
    private static OrtEnvironment env;
    private static OrtSession ort;

    @BeforeAll
    static void load() throws OrtException {
        env = OrtEnvironment.getEnvironment();
        ort = env.createSession(MiniLmFiles.model().toString(), new OrtSession.SessionOptions());
    }

    @AfterAll
    static void close() throws OrtException {
        ort.close();
    }

    @Test
    void everyPatternOfTheEncoderIsFused() {
        Map<String, Integer> f;
        try (OnnxModel model = OnnxModel.load(MiniLmFiles.model())) {
            f = model.fusedPatterns();
        }
        assertEquals(6, f.get("Attention"), f.toString());
        assertEquals(13, f.get("LayerNorm"), f.toString());
        assertEquals(6, f.get("LinearGelu"), f.toString());  // the intermediate dense layer and its GELU
        assertEquals(30, f.get("Linear"), f.toString());
        assertEquals(null, f.get("Gelu"), f.toString());
    }

    @Test
    void paddedBatchMatchesOnnxRuntime() throws OrtException {
        // Lengths 12, 7 and 1: full rows, padding (the fused kernel's key lengths) and a lone [CLS].
        compare(new int[][] {{12, 12}, {7, 12}, {1, 12}}, false);
    }

    @Test
    void aMaskWithHolesRunsTheCompositeAndStillMatches() throws OrtException {
        compare(new int[][] {{9, 9}}, true);
    }

    @Test
    void longSequencesMatch() throws OrtException {
        compare(new int[][] {{128, 128}, {100, 128}}, false);
    }

    @Test
    void concurrentCallsGiveTheSameAnswersAndWarmCallsAllocateNothing() throws Exception {
        try (OnnxModel model = OnnxModel.load(MiniLmFiles.model()); MemoryScope s = MemoryScope.open("minilm")) {
            int[] lengths = {5, 9, 16};
            float[][] expected = new float[lengths.length][];
            for (int i = 0; i < lengths.length; i++) expected[i] = run(model, lengths[i]);
            for (int i = 0; i < lengths.length; i++) run(model, lengths[i]);  // both shapes planned, arena warm
            long warm = model.arenaAllocations();
            for (int i = 0; i < lengths.length; i++) run(model, lengths[i]);
            assertEquals(warm, model.arenaAllocations(), "a warm call with known shapes allocates no arena buffer");
            var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                java.util.List<java.util.concurrent.Future<float[]>> futures = new java.util.ArrayList<>();
                for (int k = 0; k < 24; k++) {
                    int len = lengths[k % lengths.length];
                    futures.add(pool.submit(() -> {
                        try (MemoryScope t = MemoryScope.open("thread")) {
                            return run(model, len);
                        }
                    }));
                }
                for (int k = 0; k < futures.size(); k++) {
                    float[] got = futures.get(k).get(), want = expected[k % lengths.length];
                    for (int j = 0; j < want.length; j++) assertEquals(want[j], got[j], 1e-5f, "call " + k + " element " + j);
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    private static float[] run(OnnxModel model, int length) {
        long[] ids = new long[length], mask = new long[length], types = new long[length];
        for (int j = 0; j < length; j++) {
            ids[j] = j == 0 ? 101 : j == length - 1 ? 102 : 2000 + 37 * j;
            mask[j] = 1;
        }
        try (MemoryScope s = MemoryScope.open("call")) {
            return model.runSingle(Map.of("input_ids", Tensor.of(ids, 1, length), "attention_mask", Tensor.of(mask, 1, length),
                    "token_type_ids", Tensor.of(types, 1, length))).toFloatArray();
        }
    }

    private static void compare(int[][] lengths, boolean holes) throws OrtException {
        int b = lengths.length, t = lengths[0][1];
        long[][] ids = new long[b][t], mask = new long[b][t], types = new long[b][t];
        Random rnd = new Random(7);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                boolean on = j < lengths[i][0] && !(holes && j % 3 == 2);
                mask[i][j] = on ? 1 : 0;
                ids[i][j] = j == 0 ? 101 : on ? 1000 + rnd.nextInt(29000) : 0;
                types[i][j] = 0;
            }
        }
        float[][][] expected;
        try (OnnxTensor a = OnnxTensor.createTensor(env, ids); OnnxTensor m = OnnxTensor.createTensor(env, mask);
             OnnxTensor ty = OnnxTensor.createTensor(env, types);
             OrtSession.Result r = ort.run(Map.of("input_ids", a, "attention_mask", m, "token_type_ids", ty))) {
            expected = (float[][][]) r.get(0).getValue();
        }
        try (OnnxModel model = OnnxModel.load(MiniLmFiles.model()); MemoryScope s = MemoryScope.open("minilm")) {
            Tensor out = model.runSingle(Map.of("input_ids", tensor(ids), "attention_mask", tensor(mask), "token_type_ids", tensor(types)));
            float[] got = out.toFloatArray();
            double worst = 0;
            int h = expected[0][0].length;
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < t; j++) {
                    for (int k = 0; k < h; k++) worst = Math.max(worst, Math.abs(got[(i * t + j) * h + k] - expected[i][j][k]));
                }
            }
            assertTrue(worst <= 1e-4, "max |Panamax - ONNX Runtime| = " + worst);
        }
    }

    private static Tensor tensor(long[][] v) {
        int r = v.length, c = v[0].length;
        long[] flat = new long[r * c];
        for (int i = 0; i < r; i++) System.arraycopy(v[i], 0, flat, i * c, c);
        return Tensor.of(flat, r, c);
    }
}
