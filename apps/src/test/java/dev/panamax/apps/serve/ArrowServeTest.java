package dev.panamax.apps.serve;

import static dev.panamax.apps.serve.ServerTestSupport.expected;
import static dev.panamax.apps.serve.ServerTestSupport.images;
import static dev.panamax.apps.serve.ServerTestSupport.options;
import static dev.panamax.apps.serve.ServerTestSupport.saveCnn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.panamax.tensors.memory.Memory;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code :predict} with an Arrow IPC stream body over loopback: Arrow or JSON back, damaged streams a one-line 400. */
class ArrowServeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A stream of one column {@code instances}, {@code FixedSizeList<float32>[784]}, one row an image. */
    static byte[] stream(float[][] images) throws Exception {
        return ArrowInstancesTest.stream(1, a -> {
            FixedSizeListVector list = FixedSizeListVector.empty("instances", images[0].length, a);
            list.addOrGetVector(FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)));
            list.setInitialCapacity(images.length);
            list.allocateNew();
            Float4Vector values = (Float4Vector) list.getDataVector();
            for (int r = 0; r < images.length; r++) {
                list.setNotNull(r);
                for (int j = 0; j < images[r].length; j++) values.set(r * images[r].length + j, images[r][j]);
            }
            values.setValueCount(images.length * images[0].length);
            list.setValueCount(images.length);
            return list;
        });
    }

    static HttpResponse<byte[]> post(int port, byte[] body, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(ServerTestSupport.uri(port, "/v1/models/cnn:predict"))
                .header("Content-Type", RequestBodies.ARROW).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (accept != null) b.header("Accept", accept);
        return ServerTestSupport.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The rows of the reply's {@code predictions} column, read with Arrow's own stream reader. */
    static float[][] rows(byte[] reply) throws Exception {
        try (BufferAllocator a = Memory.root().newChildAllocator("reply", 0, Long.MAX_VALUE);
             ArrowStreamReader r = new ArrowStreamReader(new ByteArrayInputStream(reply), a)) {
            VectorSchemaRoot root = r.getVectorSchemaRoot();
            assertTrue(r.loadNextBatch());
            FixedSizeListVector p = (FixedSizeListVector) root.getVector("predictions");
            Float4Vector v = (Float4Vector) p.getDataVector();
            float[][] out = new float[root.getRowCount()][p.getListSize()];
            for (int i = 0; i < out.length; i++) for (int j = 0; j < out[i].length; j++) out[i][j] = v.get(i * out[i].length + j);
            assertFalse(r.loadNextBatch(), "one batch");
            return out;
        }
    }

    @Test
    void anArrowStreamGetsArrowOrJsonBackAndADamagedOneA400(@TempDir Path dir) throws Exception {
        Path model = saveCnn(dir.resolve("cnn"), 3);
        float[][] x = images(5, 21);
        float[][] want = expected(model, x);
        byte[] body = stream(x);
        try (ModelServer s = ModelServer.start(Map.of("cnn", model.toString()), options())) {
            HttpResponse<byte[]> arrow = post(s.port(), body, RequestBodies.ARROW);
            assertEquals(200, arrow.statusCode(), new String(arrow.body()));
            assertEquals(RequestBodies.ARROW, arrow.headers().firstValue("Content-Type").orElse(""));
            ModelServerTest.assertClose(want, rows(arrow.body()));

            HttpResponse<byte[]> json = post(s.port(), body, null);
            assertEquals(200, json.statusCode());
            assertEquals("application/json", json.headers().firstValue("Content-Type").orElse(""));
            ModelServerTest.assertClose(want, ModelServerTest.predictions(new String(json.body())));

            for (byte[] bad : new byte[][] {Arrays.copyOf(body, body.length - 100), "{\"instances\": []}".getBytes(), stream(new float[][] {new float[100]})}) {
                HttpResponse<byte[]> r = post(s.port(), bad, RequestBodies.ARROW);
                String text = new String(r.body());
                assertEquals(400, r.statusCode(), text);
                assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""), "a refusal is JSON whatever the Accept");
                assertFalse(text.contains("\n"), text);
                assertTrue(JSON.readTree(text).get("error").asText().startsWith("Arrow stream: "), text);
            }
            assertTrue(JSON.readTree(ServerTestSupport.get(s.port(), "/v1/models/cnn").body()).get("input").get("content_types").toString()
                    .contains(RequestBodies.ARROW));
        }
    }
}
