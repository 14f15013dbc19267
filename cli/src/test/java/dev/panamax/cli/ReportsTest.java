package dev.panamax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportsTest {
    @Test
    void metricsJsonIsValidJsonWithStringsAndNumbers() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("test_accuracy", 0.9933);
        m.put("epochs", 5);
        m.put("lr_schedule", "cosine");
        JsonNode n = new ObjectMapper().readTree(Reports.json(m));
        assertEquals(0.9933, n.get("test_accuracy").asDouble());
        assertEquals(5, n.get("epochs").asInt());
        assertEquals("cosine", n.get("lr_schedule").asText());
    }
}
