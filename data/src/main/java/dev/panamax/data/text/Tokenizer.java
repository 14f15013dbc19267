package dev.panamax.data.text;

/** Text to token ids and back. */
public interface Tokenizer {
    /**
     * The ids of {@code text}, in order.
     *
     * @param text the text to encode
     * @return one id per token, each in {@code [0, vocabSize())}
     */
    int[] encode(String text);

    /**
     * The text of {@code ids}; {@code decode(encode(s))} equals {@code s}.
     *
     * @param ids token ids, each in {@code [0, vocabSize())}
     * @return the decoded text
     */
    String decode(int[] ids);

    /**
     * How many ids there are.
     *
     * @return one more than the largest id
     */
    int vocabSize();
}
