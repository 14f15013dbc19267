package dev.panamax.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.panamax.onnx.conformance.NodeTests;
import dev.panamax.onnx.conformance.OperatorTable;
import dev.panamax.onnx.conformance.Outcome;
import dev.panamax.onnx.conformance.Outcome.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code panamax onnx-test}: runs ONNX's backend node tests ({@code apt-get install libonnx-testdata}) through the
 * importer and reports each as passed, failed or unsupported ({@link NodeTests}); {@code --json} prints one object per
 * test and a summary object, for scripts.
 */
@Command(name = "onnx-test", description = {"Run the ONNX backend node tests through Panamax's importer and report passed/failed/unsupported.",
    "Exits with 1 when a test fails."})
final class OnnxTestCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--dir", description = "Folder of node tests (default: ${DEFAULT-VALUE}, from libonnx-testdata)")
    Path dir = NodeTests.DEBIAN_DIR;

    @Option(names = "--only", description = "Run only the tests whose folder name matches this regular expression")
    String only;

    @Option(names = "--json", description = "One JSON object per test (test, op, status, detail), then a summary object")
    boolean json;

    @Option(names = "--markdown", description = "Also write the operator table (docs/onnx-operators.md) to this file")
    Path markdown;

    @Override
    public Integer call() throws IOException {
        List<Path> tests = NodeTests.find(dir, only == null ? null : Pattern.compile(only));
        if (tests.isEmpty()) throw new IllegalArgumentException("no node tests in " + dir + (only == null ? "" : " match '" + only + "'"));
        if (!json) System.out.printf(Locale.ROOT, "%-11s  %-52s  %-24s  %s%n", "STATUS", "TEST", "OPERATOR", "DETAIL");
        List<Outcome> all = NodeTests.runAll(tests, o -> System.out.println(json ? line(o) : row(o)));
        OperatorTable.Summary s = OperatorTable.Summary.of(all);
        if (json) {
            ObjectNode n = JSON.createObjectNode().put("passed", s.passed()).put("failed", s.failed()).put("unsupported", s.unsupported())
                    .put("total", s.total());
            System.out.println(n);
        } else {
            System.out.printf(Locale.ROOT, "%n%d passed, %d failed, %d unsupported of %d node tests (%.1f%% pass)%n", s.passed(), s.failed(),
                    s.unsupported(), s.total(), 100.0 * s.passed() / s.total());
        }
        if (markdown != null) {
            Files.writeString(markdown, OperatorTable.markdown(all, "the " + s.total() + " node tests in `" + dir + "`"));
            if (!json) System.out.println("wrote " + markdown);
        }
        return s.failed() == 0 ? 0 : 1;
    }

    private static String line(Outcome o) {
        try {
            return JSON.writeValueAsString(JSON.createObjectNode().put("test", o.test()).put("op", o.op()).put("status", o.status().label())
                    .put("detail", o.detail()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String row(Outcome o) {
        String detail = o.detail().length() > 160 ? o.detail().substring(0, 157) + "..." : o.detail();
        return String.format(Locale.ROOT, "%-11s  %-52s  %-24s  %s", o.status() == Status.PASSED ? "passed" : o.status().label().toUpperCase(Locale.ROOT),
                o.test(), o.op(), detail).stripTrailing();
    }
}
