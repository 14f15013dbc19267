package dev.panamax.apps.resnet;

import dev.panamax.autodiff.Var;
import dev.panamax.autodiff.functional.F;
import dev.panamax.nn.BatchNormalization;
import dev.panamax.nn.Conv2D;
import dev.panamax.nn.Dense;
import dev.panamax.nn.FunctionalModel;
import dev.panamax.nn.GlobalAveragePooling2D;
import dev.panamax.nn.Layer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small residual network (He et al. 2016) for 28 × 28 grey images, written with the functional model API: a
 * 3 × 3 stem (convolution, batch norm, ReLU), then one stage per entry of {@code widths}, each of
 * {@code blocksPerStage} basic blocks, conv-BN-ReLU-conv-BN plus a shortcut, then ReLU. The first block of every
 * stage halves the resolution with a stride-2 convolution, and its shortcut is a 1 × 1 stride-2 projection with batch
 * norm (the other blocks' shortcut is the identity). Global average pooling and a softmax layer end it.
 *
 * <p>Halving in every stage, the first one included, is what keeps it affordable on two cores: the 3 × 3 products
 * run at 14 × 14 and 7 × 7, never at full resolution, where only the stem's single-channel convolution works.
 */
public final class ResNet {
    private ResNet() {}

    /** One basic block's layers; {@code shortcut} and {@code shortcutNorm} are null for an identity shortcut. */
    private record Block(Conv2D conv1, BatchNormalization norm1, Conv2D conv2, BatchNormalization norm2, Conv2D shortcut,
                         BatchNormalization shortcutNorm) {
        Var apply(Var x, FunctionalModel.Context c) {
            Var h = F.relu(norm1.apply(conv1.apply(x, c.training(), c.rng()), c.training(), c.rng()));
            h = norm2.apply(conv2.apply(h, c.training(), c.rng()), c.training(), c.rng());
            Var skip = shortcut == null ? x : shortcutNorm.apply(shortcut.apply(x, c.training(), c.rng()), c.training(), c.rng());
            return F.relu(F.add(h, skip));
        }

        void addTo(List<Layer> layers) {
            layers.addAll(List.of(conv1, norm1, conv2, norm2));
            if (shortcut != null) layers.addAll(List.of(shortcut, shortcutNorm));
        }
    }

    /**
     * @param stem           filters of the stem convolution
     * @param widths         filters of each stage, e.g. {@code {32, 64}}: 28 × 28 → 14 × 14 → 7 × 7
     * @param blocksPerStage basic blocks per stage (1 or more)
     */
    public static FunctionalModel of(long seed, int stem, int[] widths, int blocksPerStage, int classes) {
        if (stem < 1 || widths.length == 0 || Arrays.stream(widths).anyMatch(w -> w < 1) || blocksPerStage < 1 || classes < 2) {
            throw new IllegalArgumentException("ResNet: stem and stage widths must be positive, with at least one stage, one block per stage and two classes; got stem "
                    + stem + ", widths " + Arrays.toString(widths) + ", " + blocksPerStage + " blocks per stage, " + classes + " classes");
        }
        List<Layer> layers = new ArrayList<>();
        Conv2D stemConv = new Conv2D(stem, 3, 3, 1, "same", 1, "linear");
        BatchNormalization stemNorm = new BatchNormalization(0.9, 1e-3);
        layers.addAll(List.of(stemConv, stemNorm));
        List<Block> blocks = new ArrayList<>();
        int in = stem;
        for (int w : widths) {
            for (int b = 0; b < blocksPerStage; b++) {
                int stride = b == 0 ? 2 : 1;
                boolean project = stride != 1 || in != w;
                Block block = new Block(new Conv2D(w, 3, 3, stride, "same", 1, "linear"), new BatchNormalization(0.9, 1e-3),
                        new Conv2D(w, 3, 3, 1, "same", 1, "linear"), new BatchNormalization(0.9, 1e-3),
                        project ? new Conv2D(w, 1, 1, stride, "same", 1, "linear") : null, project ? new BatchNormalization(0.9, 1e-3) : null);
                block.addTo(layers);
                blocks.add(block);
                in = w;
            }
        }
        GlobalAveragePooling2D pool = new GlobalAveragePooling2D();
        Dense out = new Dense(classes, "softmax");
        layers.addAll(List.of(pool, out));
        return new FunctionalModel(seed, layers, (x, c) -> {
            Var h = F.relu(stemNorm.apply(stemConv.apply(x, c.training(), c.rng()), c.training(), c.rng()));
            for (Block b : blocks) h = b.apply(h, c);
            return out.apply(pool.apply(h, c.training(), c.rng()), c.training(), c.rng());
        });
    }
}
