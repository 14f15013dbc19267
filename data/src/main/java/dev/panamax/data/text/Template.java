package dev.panamax.data.text;

/**
 * The post-processor's frame around a single text's tokens ({@code [CLS] tokens [SEP]} for BERT), from a
 * tokenizer.json's {@code TemplateProcessing} {@code single} template or {@code BertProcessing}: the special ids
 * before and after the text and the type id of each. Truncation keeps the frame whole and cuts the text's tokens.
 *
 * @param prefixIds     ids before the text
 * @param prefixTypes   their type ids
 * @param sequenceType  the type id of the text's own tokens
 * @param suffixIds     ids after the text
 * @param suffixTypes   their type ids
 */
record Template(int[] prefixIds, int[] prefixTypes, int sequenceType, int[] suffixIds, int[] suffixTypes) {
    /** No post-processor: the text's tokens alone. */
    static final Template NONE = new Template(new int[0], new int[0], 0, new int[0], new int[0]);

    /** How many special tokens the frame adds. */
    int added() {
        return prefixIds.length + suffixIds.length;
    }
}
