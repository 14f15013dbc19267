package dev.panamax.bench.compare;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.panamax.apps.embed.MiniLm;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ONNX Runtime's side of the MiniLM rows, in its own JVM (ONNX Runtime's Java API, with its native library): the
 * same model file, inputs and loop as Panamax's worker. Its best settings: all graph optimisations, {@code threads}
 * intra-op threads (spinning while waiting, its default), one inter-op thread.
 * Usage: {@code OrtWorker WORKLOAD THREADS WARMUP STEPS}, or {@code OrtWorker describe}.
 */
public final class OrtWorker {
    private OrtWorker() {}

    public static void main(String[] args) throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        if (args.length == 1 && args[0].equals("describe")) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("version", "ONNX Runtime " + OrtEnvironment.getEnvironment().getVersion() + " (Java API), Java " + Runtime.version());
            d.put("providers", OrtEnvironment.getAvailableProviders().toString());
            System.out.println(json.writeValueAsString(d));
            return;
        }
        if (args.length != 4) {
            System.err.println("usage: OrtWorker WORKLOAD THREADS WARMUP STEPS");
            System.exit(2);
        }
        int threads = Integer.parseInt(args[1]);
        Map<String, Double> r = new LinkedHashMap<>();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            opts.setIntraOpNumThreads(threads);
            opts.setInterOpNumThreads(1);
            try (OrtSession session = env.createSession(MiniLm.files().model().toString(), opts)) {
                MiniLmWorkload.measure(args[0], Integer.parseInt(args[2]), Integer.parseInt(args[3]), (ids, mask, types) -> {
                    try (OnnxTensor a = OnnxTensor.createTensor(env, ids); OnnxTensor m = OnnxTensor.createTensor(env, mask);
                         OnnxTensor t = OnnxTensor.createTensor(env, types);
                         OrtSession.Result res = session.run(Map.of("input_ids", a, "attention_mask", m, "token_type_ids", t))) {
                        FloatBuffer fb = ((OnnxTensor) res.get(0)).getFloatBuffer();
                        float[] out = new float[fb.remaining()];
                        fb.get(out);
                        return out;
                    }
                }, r);
            }
        }
        r.put("peak_rss_mb", PeakMemory.residentMb());
        System.out.println(json.writeValueAsString(r));
    }
}
