package dev.panamax.cli;

import dev.panamax.apps.image.GreyPixels;
import dev.panamax.data.Idx;
import dev.panamax.nn.Preprocessing;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.nn.train.Predictor;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code panamax predict DIR input}: the class a saved model gives an image (PNG/JPEG, converted to grey and
 * scaled to the model's input size; MNIST digits are white on black) or every image of an IDX file.
 */
@Command(name = "predict", description = "Classify an image file (PNG/JPEG) or every image of an IDX file with a saved model.")
final class PredictCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Model folder (config.json + model.safetensors)")
    Path model;

    @Parameters(index = "1", description = "An image (.png, .jpg) or an IDX image file")
    Path input;

    @Option(names = "--show", converter = Ranges.Positive.class, defaultValue = "10", description = "For IDX input: how many predictions to print (default: ${DEFAULT-VALUE}).")
    int show;

    @Override
    public Integer call() throws Exception {
        if (java.nio.file.Files.isDirectory(input)) throw new IOException(input + " is a folder: give one image file (PNG, JPEG) or an IDX file");
        if (!java.nio.file.Files.isRegularFile(input)) throw new IOException(input + ": no such file");
        if (!java.nio.file.Files.isDirectory(model)) {
            throw new IOException(model + (java.nio.file.Files.exists(model) ? " is a file" : ": no such folder")
                    + "; the first argument is a model folder (config.json + model.safetensors), the second the input");
        }
        try (MemoryScope scope = MemoryScope.open("predict"); Sequential m = ModelIo.load(model); Predictor predictor = new Predictor(m)) {
            long[] in = m.inputShape();
            boolean image = input.toString().matches("(?i).*\\.(png|jpe?g|gif|bmp)$");
            // A model that records its preprocessing takes the raw bytes; an older one gets them divided by 255 here.
            Tensor x = image ? image(input, in) : m.preprocessing().equals(Preprocessing.NONE) ? idx(input, in) : Idx.read(input);
            Tensor probs = predictor.predict(x, 500);
            long[] cls = probs.argmax(1, false).toLongArray();
            for (int i = 0; i < Math.min(cls.length, Math.max(1, show)); i++) {
                System.out.printf(Locale.ROOT, "%s[%d]: class %d (p = %.4f)%n", input.getFileName(), i, cls[i], probs.getDouble(i, cls[i]));
            }
            if (cls.length > show) System.out.printf("... %,d more%n", cls.length - show);
            probs.close();
        }
        return 0;
    }

    private static Tensor image(Path file, long[] in) throws IOException {
        int h = (int) in[0], w = (int) in[1];
        return Tensor.of(GreyPixels.read(file, h, w), 1, h, w, 1);
    }

    private static Tensor idx(Path file, long[] in) throws IOException {
        try (Tensor raw = Idx.read(file); Tensor f = raw.to(DType.F32); Tensor s = f.div(255.0)) {
            if (raw.rank() != 3 || raw.dim(1) != in[0] || raw.dim(2) != in[1]) {
                throw new IOException(file + ": images of shape " + java.util.Arrays.toString(raw.shape())
                        + " do not fit the model's input " + java.util.Arrays.toString(in));
            }
            return s.reshape(raw.dim(0), in[0], in[1], 1);
        }
    }
}
