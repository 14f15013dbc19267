package dev.panamax.apps.serve;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageChannelReader;
import org.apache.arrow.vector.ipc.message.MessageResult;

/**
 * The messages of an Arrow IPC stream held in memory, read by Arrow's own reader with two guards that a body from the
 * network needs and Arrow Java 19 lacks:
 * <ul>
 *   <li>Arrow allocates a heap buffer of whatever length a message's prefix claims before reading it, so four bytes
 *       can ask for 2 GB; a claim beyond the bytes left is refused first.</li>
 *   <li>A record batch whose metadata Arrow refuses after reading its body (a node longer than {@code INT_MAX}, found
 *       by fuzzing) never releases that body; {@link #releaseLeftovers} does, once the reader is closed.</li>
 * </ul>
 */
final class ArrowMessages extends MessageChannelReader {
    private final byte[] bytes;
    private final List<ArrowBuf> bodies = new ArrayList<>();

    ArrowMessages(byte[] bytes, BufferAllocator allocator) {
        super(new ReadChannel(Channels.newChannel(new ByteArrayInputStream(bytes))), allocator);
        this.bytes = bytes;
    }

    @Override
    public MessageResult readNext() throws IOException {
        long at = in.bytesRead();
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (at + 4 <= bytes.length) {
            long prefix = at;
            int length = b.getInt((int) at);
            if (length == -1 && at + 8 <= bytes.length) {  // the continuation marker, then the length
                length = b.getInt((int) at + 4);
                prefix += 4;
            }
            if (length > bytes.length - (prefix + 4)) {
                throw new IOException("a message at byte " + at + " claims " + length + " bytes of metadata; " + (bytes.length - prefix - 4) + " are left");
            }
        }
        MessageResult r = super.readNext();
        if (r != null && r.getBodyBuffer() != null) bodies.add(r.getBodyBuffer());
        return r;
    }

    /** After the reader is closed every vector has let go of its buffers: what still holds a body leaked; freed here. */
    void releaseLeftovers() {
        for (ArrowBuf body : bodies) {
            if (body.refCnt() > 0) body.getReferenceManager().release(body.refCnt());
        }
        bodies.clear();
    }
}
