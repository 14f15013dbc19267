package dev.panamax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DoctorCommandTest {
    @Test
    void reportsEverySectionAndPassesOnThisMachine() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = DoctorCommand.report(new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        for (String section : new String[] {"JDK", "Vector API", "Cores", "OpenBLAS", "CUDA runtime", "Backend", "Memory"}) {
            assertTrue(out.contains(section), section + " missing from:\n" + out);
        }
        assertTrue(out.contains("expected 999000"), out);
        assertTrue(out.contains("incubator module jdk.incubator.vector is loaded"), out);
        assertEquals(0, code, out);
    }

    @Test
    void unknownTrainingTaskIsRefused() {
        assertEquals(2, Main.run("train", "cifar"));
    }

    @Test
    void unknownScheduleAndBadLearningRateAreRefusedBeforeAnyWork() {
        assertEquals(2, Main.run("train", "mnist", "--lr-schedule", "linear", "--data", "/nonexistent"));
        assertEquals(2, Main.run("train", "mnist", "--lr", "0", "--data", "/nonexistent"));
        assertEquals(2, Main.run("train", "mnist", "--lr", "NaN", "--data", "/nonexistent"));
    }
}
