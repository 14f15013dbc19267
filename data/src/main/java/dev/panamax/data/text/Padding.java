package dev.panamax.data.text;

/**
 * How {@link WordPieceTokenizer#encodeBatch} pads a batch's rows to one length: to its longest row, or to a fixed
 * length, in either case rounded up to a multiple of {@code multipleOf} (Hugging Face's {@code pad_to_multiple_of},
 * for kernels that like aligned shapes). A row longer than a fixed length is not cut (truncation does that): the
 * batch is then as long as that row, where Hugging Face's would come out ragged.
 *
 * @param length     the fixed length, or 0 for the longest row
 * @param multipleOf the length is rounded up to a multiple of this; 1 for none
 */
public record Padding(int length, int multipleOf) {
    /** Pad to the longest row of each batch: no compute spent on padding beyond it. */
    public static final Padding LONGEST = new Padding(0, 1);

    /** Checks the length is not negative and the multiple positive. */
    public Padding {
        if (length < 0) throw new IllegalArgumentException("Padding: length " + length + " is negative; use 0 for the longest row");
        if (multipleOf < 1) throw new IllegalArgumentException("Padding: multipleOf " + multipleOf + " must be at least 1 (1 means none)");
    }

    /**
     * Padding of every batch to {@code length} columns.
     *
     * @param length the length, at least 1
     * @return the padding
     */
    public static Padding fixed(int length) {
        if (length < 1) throw new IllegalArgumentException("Padding: fixed length " + length + " must be at least 1; use Padding.LONGEST for the longest row");
        return new Padding(length, 1);
    }

    /**
     * This padding, its length rounded up to a multiple of {@code multipleOf}.
     *
     * @param multipleOf the multiple, at least 1
     * @return the padding
     */
    public Padding toMultipleOf(int multipleOf) {
        return new Padding(length, multipleOf);
    }

    /** The batch length for a batch whose longest row is {@code longest}. */
    int lengthFor(int longest) {
        int n = Math.max(length, longest);
        return n % multipleOf == 0 ? n : n + multipleOf - n % multipleOf;
    }
}
