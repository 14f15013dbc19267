package dev.panamax.data.text;

import java.util.Arrays;

/**
 * A batch of texts as one rectangle of model input, row-major: row {@code i} is text {@code i}'s encoding, padded at
 * its end to {@code length} with the pad id, type id 0 (or the tokenizer's pad type id) and mask 0. Flat arrays, so
 * they go into a {@code (size, length)} tensor as they are.
 *
 * @param size          rows, one per text
 * @param length        columns: the longest row, or the fixed padding length
 * @param ids           (size, length) token ids
 * @param attentionMask (size, length) 1 for a token, 0 for padding
 * @param typeIds       (size, length) segment ids
 */
public record BatchEncoding(int size, int length, int[] ids, int[] attentionMask, int[] typeIds) {
    /** Checks that each array holds {@code size * length} values. */
    public BatchEncoding {
        long cells = (long) size * length;
        if (size < 0 || length < 0 || ids.length != cells || attentionMask.length != cells || typeIds.length != cells) {
            throw new IllegalArgumentException("BatchEncoding: ids, attentionMask and typeIds must each hold size × length = "
                    + size + " × " + length + " values; got " + ids.length + ", " + attentionMask.length + ", " + typeIds.length);
        }
    }

    /**
     * Row {@code i}, padding included, as copies.
     *
     * @param i the row, in {@code [0, size)}
     * @return that row's ids, mask and type ids
     */
    public Encoding row(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException("BatchEncoding: row " + i + " of " + size);
        int from = i * length, to = from + length;
        return new Encoding(Arrays.copyOfRange(ids, from, to), Arrays.copyOfRange(attentionMask, from, to), Arrays.copyOfRange(typeIds, from, to));
    }
}
