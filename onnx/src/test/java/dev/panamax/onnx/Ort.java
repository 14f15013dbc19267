package dev.panamax.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** ONNX Runtime as the oracle: runs a model file on the same Panamax tensors the importer gets. */
final class Ort {
    private Ort() {}

    /** One output as ONNX Runtime computed it: its shape and its values, flat, in row-major order. */
    record Output(long[] shape, float[] values) {
        /** The largest {@code |actual − this|}, after checking that the shapes agree. */
        double maxAbsDiff(Tensor actual) {
            if (!java.util.Arrays.equals(shape, actual.shape())) {
                throw new AssertionError("shape " + java.util.Arrays.toString(actual.shape()) + ", ONNX Runtime: " + java.util.Arrays.toString(shape));
            }
            float[] got;
            try (Tensor c = actual.contiguous(); Tensor f = c.to(DType.F32)) {
                got = f.toFloatArray();
            }
            double worst = 0;
            for (int i = 0; i < got.length; i++) {
                double d = Math.abs(got[i] - values[i]);
                if (Double.isNaN(d)) return Double.NaN;
                worst = Math.max(worst, d);
            }
            return worst;
        }
    }

    /** Runs {@code model} on {@code inputs} (F32 or I64 tensors) and returns every output by name. */
    static Map<String, Output> run(Path model, Map<String, Tensor> inputs) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<OnnxTensor> made = new ArrayList<>();
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions())) {
            Map<String, OnnxTensor> in = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                Tensor t = e.getValue();
                OnnxTensor o = switch (t.dtype()) {
                    case F32 -> OnnxTensor.createTensor(env, FloatBuffer.wrap(values(t)), t.shape());
                    case I64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(t.toLongArray()), t.shape());
                    default -> throw new IllegalArgumentException("Ort.run takes F32 or I64 inputs, got " + t.dtype());
                };
                made.add(o);
                in.put(e.getKey(), o);
            }
            Map<String, Output> out = new LinkedHashMap<>();
            try (OrtSession.Result r = session.run(in)) {
                for (Map.Entry<String, OnnxValue> e : r) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    FloatBuffer fb = t.getFloatBuffer();
                    float[] v = new float[fb.remaining()];
                    fb.get(v);
                    out.put(e.getKey(), new Output(t.getInfo().getShape(), v));
                }
            }
            return out;
        } finally {
            for (OnnxTensor o : made) o.close();
        }
    }

    /** The declared shape of input {@code name} (-1 for a symbolic dimension). */
    static long[] inputShape(Path model, String name) throws OrtException {
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(model.toString(), new OrtSession.SessionOptions())) {
            return ((TensorInfo) session.getInputInfo().get(name).getInfo()).getShape();
        }
    }

    private static float[] values(Tensor t) {
        try (Tensor c = t.contiguous()) {
            return c.toFloatArray();
        }
    }
}
