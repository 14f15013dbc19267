package dev.panamax.tensors.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.tensors.DType;
import dev.panamax.tensors.Tensor;
import dev.panamax.tensors.memory.Memory;
import dev.panamax.tensors.memory.MemoryScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArrowTensorsTest {
    @Test
    void anApplicationsOwnAllocatorGetsACopyItOwns() {
        try (RootAllocator app = new RootAllocator(); MemoryScope s = MemoryScope.open("t")) {
            Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
            try (FieldVector v = ArrowTensors.toVector(t, "x", app)) {
                assertTrue(app.getAllocatedMemory() >= 24, "the 24-byte copy is charged to the application's allocator");
                assertTrue(t.segment().address() != ((FixedSizeListVector) v).getDataVector().getDataBuffer().memoryAddress());
                t.set(-1, 0, 0);
                t.close(); // the copy outlives the tensor
                Float4Vector values = (Float4Vector) ((FixedSizeListVector) v).getDataVector();
                assertEquals(1f, values.get(0));
                assertEquals(6f, values.get(5));
                assertEquals("3,2", v.getField().getMetadata().get(ArrowTensors.SHAPE_KEY));
            }
            try (Tensor t1 = Tensor.of(new float[] {7, 8}, 2); FieldVector v = ArrowTensors.toVector(t1, "y", app)) {
                assertEquals(8f, ((Float4Vector) v).get(1));
            }
            assertEquals(0, app.getAllocatedMemory());
        } // both close with nothing left: no leak on either side
    }

    @Test
    void aFailedCopyLeavesNothingBehind() {
        try (RootAllocator app = new RootAllocator(16); MemoryScope s = MemoryScope.open("t")) {
            Tensor t = Tensor.of(new float[100], 100);
            assertThrows(OutOfMemoryException.class, () -> ArrowTensors.toVector(t, "x", app));
            assertEquals(0, app.getAllocatedMemory());
            t.close();
        } // MemoryScope.close and RootAllocator.close both throw on a leaked buffer
    }

    @Test
    void aChildOfPanamaxsRootSharesMemory() {
        try (BufferAllocator child = Memory.root().newChildAllocator("app", 0, Long.MAX_VALUE);
             Tensor t = Tensor.of(new float[] {1, 2}, 2);
             FieldVector v = ArrowTensors.toVector(t, "x", child)) {
            assertEquals(t.segment().address(), v.getDataBuffer().memoryAddress(), "transferred, not copied");
        }
    }

    @Test
    void float4VectorAndTensorShareMemoryBothWays() {
        try (Float4Vector v = new Float4Vector("x", Memory.root())) {
            v.allocateNew(5);
            for (int i = 0; i < 5; i++) v.set(i, i * 1.5f);
            v.setValueCount(5);
            try (Tensor t = ArrowTensors.fromVector(v)) {
                assertArrayEquals(new float[] {0, 1.5f, 3, 4.5f, 6}, t.toFloatArray());
                t.set(42, 2);
                assertEquals(42f, v.get(2), "the tensor writes into the vector's memory");
                try (FieldVector back = ArrowTensors.toVector(t, "y", Memory.root())) {
                    assertEquals(t.segment().address(), back.getDataBuffer().memoryAddress() - 0, "no copy on the way back");
                    v.set(0, -1f);
                    assertEquals(-1f, ((Float4Vector) back).get(0));
                }
            }
        }
    }

    @Test
    void tensorOutlivesItsVector() {
        Tensor t;
        try (Float4Vector v = new Float4Vector("x", Memory.root())) {
            v.allocateNew(2);
            v.set(0, 7f);
            v.set(1, 8f);
            v.setValueCount(2);
            t = ArrowTensors.fromVector(v);
        }
        assertArrayEquals(new float[] {7, 8}, t.toFloatArray());
        t.close();
    }

    @Test
    void rankThreeTensorBecomesFixedSizeListWithShapeMetadata() {
        try (MemoryScope s = MemoryScope.open("t")) {
            Tensor x = Tensor.arange(24, DType.F32).reshape(2, 3, 4);
            try (FieldVector v = ArrowTensors.toVector(x.permute(0, 2, 1), "img", Memory.root())) {
                FixedSizeListVector list = (FixedSizeListVector) v;
                assertEquals(2, list.getValueCount());
                assertEquals(12, list.getListSize());
                assertEquals("2,4,3", list.getField().getMetadata().get(ArrowTensors.SHAPE_KEY));
                Tensor back = ArrowTensors.fromVector(list);
                assertArrayEquals(new long[] {2, 4, 3}, back.shape());
                assertArrayEquals(x.permute(0, 2, 1).toFloatArray(), back.toFloatArray());
            }
        }
    }

    @Test
    void ipcRoundTripOfARecordBatch(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("mnist-like.arrow");
        try (MemoryScope s = MemoryScope.open("t")) {
            Map<String, Tensor> cols = new LinkedHashMap<>();
            cols.put("images", Tensor.arange(3 * 4 * 4, DType.U8).reshape(3, 4, 4));
            cols.put("labels", Tensor.of(new long[] {7, 2, 1}, 3));
            cols.put("weights", Tensor.of(new double[] {0.5, 0.25, 1}, 3));
            ArrowTensors.writeIpc(file, cols);
            assertTrue(Files.size(file) > 0);
            try (var dirList = Files.list(dir)) {
                assertEquals(1, dirList.count(), "no temporary file left behind");
            }
            Map<String, Tensor> back = ArrowTensors.readIpc(file);
            assertEquals(cols.keySet(), back.keySet());
            for (String k : cols.keySet()) {
                assertArrayEquals(cols.get(k).shape(), back.get(k).shape(), k);
                assertEquals(cols.get(k).dtype(), back.get(k).dtype(), k);
                assertArrayEquals(cols.get(k).toDoubleArray(), back.get(k).toDoubleArray(), k);
            }
            back.values().forEach(Tensor::close);
        }
    }

    @Test
    void badInputsAreRejectedClearly(@TempDir Path dir) throws IOException {
        try (MemoryScope s = MemoryScope.open("t")) {
            Map<String, Tensor> cols = new LinkedHashMap<>();
            cols.put("a", Tensor.zeros(DType.F32, 3));
            cols.put("b", Tensor.zeros(DType.F32, 4));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ArrowTensors.writeIpc(dir.resolve("x"), cols));
            assertTrue(e.getMessage().contains("'b' has 4 rows"), e.getMessage());
            Path junk = dir.resolve("junk.arrow");
            Files.write(junk, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
            IOException io = assertThrows(IOException.class, () -> ArrowTensors.readIpc(junk));
            assertTrue(io.getMessage().contains("junk.arrow"), io.getMessage());
            try (Float4Vector v = new Float4Vector("nulls", Memory.root())) {
                v.allocateNew(2);
                v.set(0, 1f);
                v.setNull(1);
                v.setValueCount(2);
                assertThrows(IllegalArgumentException.class, () -> ArrowTensors.fromVector(v));
            }
            try (VectorSchemaRoot root = ArrowTensors.toRecordBatch(Map.of("z", Tensor.zeros(DType.I32, 2)), Memory.root())) {
                assertEquals(2, root.getRowCount());
            }
        }
    }
}
