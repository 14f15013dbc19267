package dev.panamax.onnx.export;

import dev.panamax.nn.Model;
import dev.panamax.nn.Sequential;
import dev.panamax.nn.transformer.Gpt;
import dev.panamax.onnx.proto.OnnxProto.ModelProto;

/** Picks the exporter for a model's kind; {@code dev.panamax.onnx.OnnxExporter} is the public entry point. */
public final class ModelExport {
    /** The standard opset every exported graph targets: 17 is the first with LayerNormalization. */
    public static final int OPSET = 17;

    private ModelExport() {}

    /** {@code model} as an ONNX model; refuses an unbuilt model, another kind of model or a layer it cannot write, naming it. */
    public static ModelProto of(Model model) {
        if (model.inputShape() == null) {
            throw new IllegalStateException("model '" + model.name() + "' is not built, so it has no weights yet; build it (model.build(inputShape))"
                    + " or load a trained one before exporting");
        }
        return switch (model) {
            case Sequential s -> SequentialExport.export(s, OPSET);
            case Gpt gpt -> GptExport.export(gpt, OPSET);
            default -> throw new IllegalArgumentException("model '" + model.name() + "' (" + model.getClass().getSimpleName() + ") cannot be"
                    + " exported to ONNX; the exporter writes Sequential models and Gpt");
        };
    }
}
