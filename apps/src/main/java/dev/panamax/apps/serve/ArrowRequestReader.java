package dev.panamax.apps.serve;

import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * Arrow's stream reader for a request's one {@code FixedSizeList} column, checking each record batch's lengths against
 * its buffers before Arrow loads it. Arrow Java 19 grows a vector whose declared length outruns its buffers, and a
 * failure while growing leaks the new buffer (Jazzer found it: 192 bytes a request, for ever); a batch whose buffers
 * hold what its lengths say never grows. Dictionary batches are refused: no accepted column is dictionary-encoded.
 */
final class ArrowRequestReader extends ArrowStreamReader {
    private long listSize, itemBytes;

    ArrowRequestReader(ArrowMessages messages, BufferAllocator allocator) {
        super(messages, allocator);
    }

    /** The column's shape, known once its schema is checked: {@code listSize} values of {@code itemBytes} a row. */
    void expect(long listSize, long itemBytes) {
        this.listSize = listSize;
        this.itemBytes = itemBytes;
    }

    @Override
    protected void loadRecordBatch(ArrowRecordBatch batch) {
        try {
            check(batch);
        } catch (IllegalArgumentException e) {
            batch.close();  // the batch holds its body; loading would have released it
            throw e;
        }
        super.loadRecordBatch(batch);
    }

    private void check(ArrowRecordBatch batch) {
        List<ArrowFieldNode> nodes = batch.getNodes();
        List<ArrowBuf> buffers = batch.getBuffers();
        if (listSize == 0) throw new IllegalArgumentException("a record batch before the column was checked");
        if (nodes.size() != 2 || buffers.size() != 3) {
            throw new IllegalArgumentException("a record batch of " + nodes.size() + " nodes and " + buffers.size() + " buffers; one FixedSizeList column has 2 and 3");
        }
        long rows = nodes.get(0).getLength(), values = nodes.get(1).getLength();
        if (rows < 0 || rows != batch.getLength() || values != rows * listSize) {
            throw new IllegalArgumentException("a record batch of " + batch.getLength() + " rows whose column claims " + rows + " rows and " + values + " values");
        }
        requireValidity(nodes.get(0), buffers.get(0));
        requireValidity(nodes.get(1), buffers.get(1));
        if (buffers.get(2).capacity() < values * itemBytes) {
            throw new IllegalArgumentException("a record batch of " + values + " values in " + buffers.get(2).capacity() + " bytes");
        }
    }

    /** With nulls, the validity bitmap must cover every slot (without, Arrow makes its own). */
    private static void requireValidity(ArrowFieldNode node, ArrowBuf validity) {
        if (node.getNullCount() != 0 && validity.capacity() < (node.getLength() + 7L) / 8) {
            throw new IllegalArgumentException("a validity bitmap of " + validity.capacity() + " bytes for " + node.getLength() + " slots");
        }
    }

    @Override
    protected void loadDictionary(ArrowDictionaryBatch batch) {
        batch.close();
        throw new IllegalArgumentException("a dictionary batch; send plain float values, not dictionary-encoded ones");
    }
}
