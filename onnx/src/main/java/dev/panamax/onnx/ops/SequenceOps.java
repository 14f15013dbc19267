package dev.panamax.onnx.ops;

import dev.panamax.onnx.graph.TensorProtos;
import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sequence and optional operators. Values are small and rare (lists of tensors in exported control flow), so
 * every operator copies the items it passes on ({@link Values#copy}) rather than sharing them.
 */
final class SequenceOps {
    private SequenceOps() {}

    static void register(Map<String, Operator> ops) {
        ops.put("SequenceEmpty", (node, opset) -> {
            if (node.attributes().has("dtype")) TensorProtos.dtype((int) node.attributes().i("dtype", 1), node.describe());
            return (ValueKernel) in -> new Object[] {new Sequence(List.of())};
        });
        ops.put("SequenceConstruct", (node, opset) -> (ValueKernel) in -> new Object[] {new Sequence(Values.copies(List.of(in)))});
        ops.put("SequenceLength", (node, opset) -> (ValueKernel) in -> new Object[] {Tensor.scalar(seq(in[0]).items().size(), DType.I64)});
        ops.put("SequenceAt", (node, opset) -> (ValueKernel) in -> {
            List<Object> items = seq(in[0]).items();
            return new Object[] {Values.copy(items.get(position(in[1], items.size(), false)))};
        });
        ops.put("SequenceInsert", (node, opset) -> (ValueKernel) in -> {
            List<Object> items = Values.copies(seq(in[0]).items());
            int at = in.length > 2 && in[2] != null ? position(in[2], items.size(), true) : items.size();
            items.add(at, Values.copy(in[1]));
            return new Object[] {new Sequence(items)};
        });
        ops.put("SequenceErase", (node, opset) -> (ValueKernel) in -> {
            List<Object> items = new ArrayList<>(seq(in[0]).items());
            int at = in.length > 1 && in[1] != null ? position(in[1], items.size(), false) : items.size() - 1;
            if (at < 0) throw new IllegalArgumentException("SequenceErase: the sequence is empty");
            items.remove(at);
            return new Object[] {new Sequence(Values.copies(items))};
        });
        ops.put("Optional", (node, opset) -> {
            node.attributes().ignore("type");
            return (ValueKernel) in -> new Object[] {in.length == 0 || in[0] == null ? OptionalValue.EMPTY : new OptionalValue(Values.copy(in[0]))};
        });
        ops.put("OptionalHasElement", (node, opset) -> (ValueKernel) in -> {
            boolean has = in.length > 0 && in[0] != null && !(in[0] instanceof OptionalValue o && o.value() == null);
            return new Object[] {Tensor.scalar(has ? 1 : 0, DType.U8)};
        });
        ops.put("OptionalGetElement", (node, opset) -> (ValueKernel) in -> {
            Object v = in[0] instanceof OptionalValue o ? o.value() : in[0];
            if (v == null) throw new IllegalArgumentException("OptionalGetElement: the optional is empty");
            return new Object[] {Values.copy(v)};
        });
    }

    private static Sequence seq(Object v) {
        if (v instanceof Sequence s) return s;
        throw new IllegalArgumentException("expected a sequence, got " + Values.kind(v));
    }

    /** A sequence position from a scalar tensor, negative counting from the end; {@code size} allowed when inserting. */
    private static int position(Object p, int size, boolean inserting) {
        long i = (long) Args.scalar(Values.tensor(p, "position"), "position");
        long at = i < 0 ? i + size : i;
        if (at < 0 || at > size || at == size && !inserting) {
            throw new IllegalArgumentException("position " + i + " is out of range for a sequence of " + size);
        }
        return (int) at;
    }
}
