package dev.panamax.bench.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The load generator's reply parsing and a short end-to-end run against the in-process server. */
class ServeBenchTest {
    @Test
    void theNpyImageHasAPaddedHeaderAndOneImage() {
        byte[] npy = ServeBench.npyImage();
        assertEquals(0, (npy.length - 4 * 784) % 64);
    }

    @Test
    void readsRepliesBackToBack() throws Exception {
        String two = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\nhello"
                + "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 2\r\n\r\n{}";
        ByteArrayInputStream in = new ByteArrayInputStream(two.getBytes(StandardCharsets.US_ASCII));
        assertEquals(200, LoadGenerator.readReply(in));
        assertEquals(503, LoadGenerator.readReply(in));
        assertEquals(-1, in.read());
        assertEquals(3.0, LoadGenerator.percentile(new long[] {1, 2, 3, 4}, 0.5) + 1);
    }

    @Test
    void aShortRunMeasuresBothModesWithoutErrors() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ServeBench.run(null, false, new int[] {4}, 0.3, 0.5, true, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String[] rows = buf.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(2, rows.length, String.join("\n", rows));
        for (String row : rows) {
            assertTrue(row.contains("\"connections\": 4") && row.contains("\"errors\": 0"), row);
            assertTrue(!row.contains("\"requests\": 0,"), row);
        }
    }
}
