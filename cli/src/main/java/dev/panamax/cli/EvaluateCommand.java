package dev.panamax.cli;

import dev.panamax.data.Dataset;
import dev.panamax.data.Mnist;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.nn.loss.Loss;
import dev.panamax.nn.train.Predictor;
import dev.panamax.tensors.memory.MemoryScope;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code panamax evaluate DIR}: a saved model's loss and accuracy on the MNIST test set (or {@code --data}). */
@Command(name = "evaluate", description = "Evaluate a saved model on the MNIST test set.")
final class EvaluateCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Model folder (config.json + model.safetensors)")
    Path model;

    @Option(names = "--data", description = "Folder with the MNIST-layout IDX files; default: the cache.")
    Path data;

    @Override
    public Integer call() throws Exception {
        Path dir = Mnist.locate(data);
        try (MemoryScope scope = MemoryScope.open("evaluate");
             Dataset test = Dataset.readIdx(Mnist.file(dir, "t10k-images-idx3-ubyte"), Mnist.file(dir, "t10k-labels-idx1-ubyte"), 0);
             Sequential m = ModelIo.load(model); Predictor predictor = new Predictor(m)) {
            Map<String, Double> r = predictor.evaluate(test.images(), test.labels(), Loss.byName("sparse_categorical_crossentropy", false), 500);
            System.out.printf(Locale.ROOT, "test accuracy %.4f, test loss %.4f on %,d images%n", r.get("accuracy"), r.get("loss"), test.size());
        }
        return 0;
    }
}
