package dev.panamax.apps.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.nn.train.Predictor;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import dev.panamax.tensors.memory.StepArena;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** A saved {@code Sequential} (the MNIST CNN, say) behind {@code :predict}, its requests batched row by row. */
final class TensorModel implements ServedModel {
    private final String name;
    private final Path dir;
    private final ServeOptions options;
    private final Batcher<Input, float[]> batcher;
    private final AtomicInteger reloads = new AtomicInteger();
    private volatile long[] inputShape, outputShape;

    TensorModel(String name, Path dir, ServeOptions options, ServerMetrics metrics) throws IOException {
        this.name = name;
        this.dir = dir;
        this.options = options;
        Engine e = new Engine(dir, options.maxBatch());
        inputShape = e.model.inputShape();
        outputShape = e.model.outputShape();
        batcher = new Batcher<>(name, e, Input::rows, options.maxBatch(), options.maxWaitMicros(), options.queue(),
                (rows, waited) -> metrics.batch(name, rows, waited));
    }

    @Override
    public String name() {
        return name;
    }

    /** The model's input shape without the batch axis. */
    long[] inputShape() {
        return inputShape;
    }

    /** Marks a request on its way (see {@link Batcher#arrive}). */
    Batcher.Arrival arrive() {
        return batcher.arrive();
    }

    /** Queues {@code in}, checked against the input shape by its parser; the future holds {@code rows × outputs} values. */
    CompletableFuture<float[]> predict(Input in) {
        return batcher.submit(in);
    }

    /** Values per output row. */
    int outputLength() {
        return (int) Arrays.stream(outputShape).reduce(1, (a, b) -> a * b);
    }

    @Override
    public void describe(ObjectNode m) {
        m.put("kind", "tensor").put("source", dir.toString()).put("reloads", reloads.get());
        m.putArray("endpoints").add(":predict").add(":reload");
        ObjectNode in = m.putObject("input");
        in.put("dtype", "float32");
        var s = in.putArray("shape").add(-1);
        for (long d : inputShape) s.add(d);
        in.putArray("content_types").add(RequestBodies.JSON).add(RequestBodies.NPY).add(RequestBodies.ARROW).add("image/png");
        ObjectNode out = m.putObject("output");
        out.put("dtype", "float32");
        var o = out.putArray("shape").add(-1);
        for (long d : outputShape) o.add(d);
        m.put("preprocessing", "none for JSON, .npy and Arrow (float32 instances of the input shape; trailing 1s may be dropped, or flat);"
                + " an image is converted to grey, scaled to the input's height and width and divided by 255");
    }

    @Override
    public void warmUp() {
        // Every batch size once: the step arena keys buffers by exact size, so afterwards no batch allocates.
        // One at a time, so each runs as its own batch and a short --queue is never overrun.
        long rowLen = Arrays.stream(inputShape).reduce(1, (a, b) -> a * b);
        for (int round = 0; round < 2; round++) {
            for (int n = 1; n <= options.maxBatch(); n++) batcher.submit(new Input(n, new float[(int) (n * rowLen)])).join();
        }
    }

    @Override
    public void reload() throws IOException {
        Engine e = new Engine(dir, options.maxBatch());
        long[] now = e.model.inputShape();
        if (!Arrays.equals(now, inputShape)) {
            e.close();
            throw new ApiError(409, "the model in " + dir + " now takes " + Arrays.toString(now) + ", not " + Arrays.toString(inputShape)
                    + "; restart the server to change a model's input shape");
        }
        outputShape = e.model.outputShape();
        batcher.swap(e).join();
        reloads.incrementAndGet();
    }

    @Override
    public int queued() {
        return batcher.queued();
    }

    @Override
    public void close() {
        batcher.close(options.drainSeconds() * 1000L);
    }

    /**
     * The model and its reused buffers: one batch tensor of {@code maxBatch} rows, filled row by row from the requests,
     * and a step arena for the outputs; once every batch size has run, a batch makes no allocator call. Only the
     * batcher's worker thread uses it.
     */
    static final class Engine implements Batcher.Runner<Input, float[]> {
        final Sequential model;
        private final Predictor predictor;
        private final StepArena arena;
        private final Tensor batch;
        private final int maxBatch, rowLen, outLen;
        private final int[] ownerInput, ownerRow;  // which request row each batch row came from

        Engine(Path dir, int maxBatch) throws IOException {
            if (MemoryScope.current() != null) {
                throw new IllegalStateException("load the served model with no memory scope open: it outlives any scope of this thread");
            }
            this.model = ModelIo.load(dir);
            this.maxBatch = maxBatch;
            long[] in = model.inputShape();
            long[] shape = new long[in.length + 1];
            shape[0] = maxBatch;
            System.arraycopy(in, 0, shape, 1, in.length);
            this.batch = Tensor.zeros(DType.F32, shape);
            this.rowLen = (int) (batch.numel() / maxBatch);
            this.outLen = (int) Arrays.stream(model.outputShape()).reduce(1, (a, b) -> a * b);
            this.predictor = new Predictor(model);
            this.arena = new StepArena(dir.getFileName() + " serving");
            this.ownerInput = new int[maxBatch];
            this.ownerRow = new int[maxBatch];
        }

        @Override
        public List<float[]> run(List<Input> inputs) {
            List<float[]> out = new ArrayList<>(inputs.size());
            for (Input in : inputs) out.add(new float[in.rows() * outLen]);
            MemorySegment seg = batch.segment();
            long base = batch.offset() * Float.BYTES;
            int k = 0;
            for (int i = 0; i < inputs.size(); i++) {
                Input in = inputs.get(i);
                for (int r = 0; r < in.rows(); r++) {
                    MemorySegment.copy(in.values(), r * rowLen, seg, ValueLayout.JAVA_FLOAT_UNALIGNED, base + (long) k * rowLen * Float.BYTES, rowLen);
                    ownerInput[k] = i;
                    ownerRow[k] = r;
                    if (++k == maxBatch) {
                        flush(k, out);
                        k = 0;
                    }
                }
            }
            if (k > 0) flush(k, out);
            return out;
        }

        /** Runs the first {@code n} rows of the batch tensor and copies each output row to its request. */
        private void flush(int n, List<float[]> out) {
            try (MemoryScope s = MemoryScope.open("serve batch", arena)) {
                Tensor probs = predictor.predict(batch.slice(0, 0, n), maxBatch);
                MemorySegment seg = probs.segment();
                long base = probs.offset() * Float.BYTES;
                for (int j = 0; j < n; j++) {
                    MemorySegment.copy(seg, ValueLayout.JAVA_FLOAT_UNALIGNED, base + (long) j * outLen * Float.BYTES, out.get(ownerInput[j]),
                            ownerRow[j] * outLen, outLen);
                }
            }
        }

        /** Allocator calls the batches have made so far (constant once warm). */
        long freshAllocations() {
            return arena.freshAllocations();
        }

        @Override
        public void close() {
            predictor.close();
            arena.close();
            batch.close();
            model.close();
        }
    }
}
