package dev.panamax.onnx.conformance;

/**
 * One node test's result. {@code op} is the operator the test exercises (for a function-expanded test, the
 * operator of its unexpanded sibling); {@code opset} the standard opset the model imports; {@code detail} says why
 * it is unsupported, or where it failed, and is empty for a pass.
 */
public record Outcome(String test, String op, int opset, Status status, String detail) {
    /** How a node test ended. */
    public enum Status {
        /** Every output matched the expected tensor within the backend runner's tolerance. */
        PASSED,
        /** It ran and an output differs (or running it threw an error that is not a refusal). */
        FAILED,
        /** The importer refused an operator, attribute or data type, with the reason in the detail. */
        UNSUPPORTED;

        /** The lower-case name the reports use. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
