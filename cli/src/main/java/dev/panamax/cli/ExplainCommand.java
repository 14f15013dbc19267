package dev.panamax.cli;

import dev.panamax.apps.explain.ExplanationGrid;
import dev.panamax.apps.explain.Explanations;
import dev.panamax.apps.image.GreyPixels;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code panamax explain MODEL image.png}: the saliency map and Grad-CAM of one image's predicted class, as a PNG. */
@Command(name = "explain", description = "Saliency map and Grad-CAM of a saved CNN's prediction for one image (PNG/JPEG; MNIST digits are white on black).")
final class ExplainCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Model folder (config.json + model.safetensors), e.g. out/mnist/model")
    Path model;

    @Parameters(index = "1", description = "An image (.png, .jpg)")
    Path image;

    @Option(names = "--out", description = "The PNG to write (default: the image's name with -explained.png, beside it).")
    Path out;

    @Override
    public Integer call() throws IOException {
        requireModel(model);
        if (!Files.isRegularFile(image)) throw new IOException(image + ": no such file");
        Path target = out != null ? out : image.resolveSibling(image.getFileName().toString().replaceFirst("\\.[^.]*$", "") + "-explained.png");
        try (MemoryScope scope = MemoryScope.open("explain"); Sequential m = ModelIo.load(model)) {
            long[] in = m.inputShape();
            int h = (int) in[0], w = (int) in[1];
            float[] px = GreyPixels.read(image, h, w);
            Explanations.Explanation e = Explanations.explain(m, px);
            ExplanationGrid.write(target, List.of(new ExplanationGrid.Row(px, e, -1)), h, w);
            System.out.printf(Locale.ROOT, "%s: class %d (p = %.4f); saliency and Grad-CAM in %s%n", image.getFileName(), e.predicted(), e.probability(), target);
        }
        return 0;
    }

    /** A clear line when the model folder is missing, instead of a file-not-found deep in the loader. */
    static void requireModel(Path model) throws IOException {
        if (!Files.isRegularFile(model.resolve("config.json"))) {
            throw new IOException(model + ": no saved model there (config.json missing); train one with ./panamax train mnist, or pass its folder");
        }
    }
}
