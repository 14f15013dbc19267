package dev.panamax.cli;

import dev.panamax.apps.gpt.GptArtifacts;
import dev.panamax.nn.Model;
import dev.panamax.nn.io.ModelIo;
import dev.panamax.onnx.OnnxExporter;
import dev.panamax.onnx.graph.ValueInfo;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code panamax export MODEL_DIR model.onnx}: a saved model as an ONNX file for ONNX Runtime and other tools. The
 * folder is a GPT's when its config.json says so ({@code panamax train gpt}), else a saved Sequential's
 * ({@code panamax train mnist} writes {@code out/mnist/model}); {@link OnnxExporter} says what is written.
 */
@Command(name = "export", description = "Write a saved model (a Sequential such as the MNIST CNN, or a GPT) as an ONNX file.")
final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "Model folder written by 'panamax train mnist' (out/mnist/model) or 'panamax train gpt' (DIR/model)")
    Path model;

    @Parameters(index = "1", description = "The ONNX file to write (replaced if it exists)")
    Path output;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(model)) {
            throw new IOException(model + ": no such model folder (panamax train mnist writes out/mnist/model, panamax train gpt writes DIR/model)");
        }
        try (MemoryScope scope = MemoryScope.open("export")) {
            boolean gpt = GptArtifacts.isGptFolder(model);
            Model m = gpt ? GptArtifacts.load(model).model() : ModelIo.load(model);
            OnnxExporter.Summary s = OnnxExporter.export(m, output);
            System.out.printf(Locale.ROOT, "exported %s (%s, %,d parameters) to %s%n", model, gpt ? "GPT" : "Sequential, " + m.layers().size() + " layers",
                    m.paramCount(), s.file());
            System.out.printf(Locale.ROOT, "  %d nodes, opset %d, %d initializers, %,d bytes%n", s.nodes(), s.opset(), s.weights(), s.bytes());
            for (ValueInfo v : s.inputs()) System.out.println("  input  " + v.describe());
            for (ValueInfo v : s.outputs()) System.out.println("  output " + v.describe());
        }
        return 0;
    }
}
