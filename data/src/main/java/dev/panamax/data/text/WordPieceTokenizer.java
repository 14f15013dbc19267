package dev.panamax.data.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * BERT's WordPiece tokenizer, read from a Hugging Face {@code tokenizer.json} and giving the ids its
 * {@code tokenizers} library gives: added tokens ({@code [MASK]}, ...) are found first ({@link AddedTokens}), the rest
 * is normalized ({@link BertNormalizer}), split into words ({@link BertPreTokenizer}) and each word into vocabulary
 * pieces ({@link WordPiece}); the post-processor's frame ({@link Template}, {@code [CLS] ... [SEP]}) goes around the
 * pieces, cut to {@link #maxLength()} with the frame kept whole. A batch is padded per {@link #padding()}.
 *
 * <p>The maximum length and padding come from the json's {@code truncation} and {@code padding} when it has them
 * ({@value #DEFAULT_MAX_LENGTH} tokens and {@link Padding#LONGEST} when it does not), and {@link #withMaxLength} and
 * {@link #withPadding} change them. A single {@link #encode} is never padded; padding is what makes a batch a
 * rectangle. Sentence pairs (the template's {@code pair}) are not implemented.
 *
 * <p>Not a {@link Tokenizer}: that interface promises {@code decode(encode(s))} equals {@code s}, and WordPiece
 * lowercases, drops accents and whitespace and turns unknown words into {@code [UNK]}, so the text does not come
 * back; and a BERT-style model needs the attention mask and type ids beside the ids.
 *
 * <p>Immutable, so thread-safe: any number of threads may encode with one instance.
 */
public final class WordPieceTokenizer {
    /** The maximum length, in tokens with the frame, when the tokenizer.json sets no truncation. */
    public static final int DEFAULT_MAX_LENGTH = 128;

    private final AddedTokens rawTokens;        // found in the raw text
    private final AddedTokens normalizedTokens; // found in normalized text
    private final BertNormalizer normalizer;
    private final WordPiece model;
    private final Template template;
    private final String[] tokens;               // (vocabSize) id → token, null where no token has the id
    private final boolean[] special;             // (vocabSize) special tokens, which decode skips
    private final WordPieceDecoder decoder;
    private final int padId, padTypeId;
    private final int maxLength;
    private final Padding padding;

    WordPieceTokenizer(AddedTokens rawTokens, AddedTokens normalizedTokens, BertNormalizer normalizer, WordPiece model,
                       Template template, String[] tokens, boolean[] special, WordPieceDecoder decoder,
                       int padId, int padTypeId, int maxLength, Padding padding) {
        if (maxLength < template.added()) {
            throw new IllegalArgumentException("WordPieceTokenizer: maxLength " + maxLength + " leaves no room for the "
                    + template.added() + " special tokens around each text; use at least " + template.added());
        }
        this.rawTokens = rawTokens;
        this.normalizedTokens = normalizedTokens;
        this.normalizer = normalizer;
        this.model = model;
        this.template = template;
        this.tokens = tokens;
        this.special = special;
        this.decoder = decoder;
        this.padId = padId;
        this.padTypeId = padTypeId;
        this.maxLength = maxLength;
        this.padding = padding;
    }

    /**
     * The tokenizer a tokenizer.json file describes.
     *
     * @param tokenizerJson the file
     * @return the tokenizer
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is not a WordPiece tokenizer.json this class implements; the message
     *                                  names the file and the part
     */
    public static WordPieceTokenizer load(Path tokenizerJson) throws IOException {
        return TokenizerJson.parse(Files.readAllBytes(tokenizerJson), tokenizerJson.toString());
    }

    /**
     * The tokenizer a tokenizer.json stream describes (a classpath resource, say); the stream is read to its end and
     * left open.
     *
     * @param tokenizerJson the json
     * @return the tokenizer
     * @throws IOException if the stream cannot be read
     * @throws IllegalArgumentException if it is not a WordPiece tokenizer.json this class implements
     */
    public static WordPieceTokenizer load(InputStream tokenizerJson) throws IOException {
        return TokenizerJson.read(tokenizerJson, "tokenizer.json");
    }

    /**
     * The tokenizer that tokenizer.json text describes.
     *
     * @param json the text of a tokenizer.json
     * @return the tokenizer
     * @throws IllegalArgumentException if it is not a WordPiece tokenizer.json this class implements
     */
    public static WordPieceTokenizer fromJson(String json) {
        return TokenizerJson.parse(json.getBytes(StandardCharsets.UTF_8), "tokenizer.json");
    }

    /**
     * This tokenizer, cutting each text to {@code maxLength} tokens, the special tokens included (BERT models have
     * 512 positions; sentence-transformers' MiniLM was trained on 128).
     *
     * @param maxLength the longest encoding, at least the number of special tokens
     * @return a tokenizer sharing this one's vocabulary
     */
    public WordPieceTokenizer withMaxLength(int maxLength) {
        return new WordPieceTokenizer(rawTokens, normalizedTokens, normalizer, model, template, tokens, special, decoder,
                padId, padTypeId, maxLength, padding);
    }

    /**
     * This tokenizer, padding batches per {@code padding}.
     *
     * @param padding the padding
     * @return a tokenizer sharing this one's vocabulary
     */
    public WordPieceTokenizer withPadding(Padding padding) {
        return new WordPieceTokenizer(rawTokens, normalizedTokens, normalizer, model, template, tokens, special, decoder,
                padId, padTypeId, maxLength, padding);
    }

    /**
     * The longest encoding, in tokens with the special ones.
     *
     * @return the maximum length
     */
    public int maxLength() {
        return maxLength;
    }

    /**
     * How batches are padded.
     *
     * @return the padding
     */
    public Padding padding() {
        return padding;
    }

    /**
     * How many ids there are.
     *
     * @return one more than the largest id (vocabulary and added tokens)
     */
    public int vocabSize() {
        return tokens.length;
    }

    /**
     * The encoding of {@code text}: its tokens in the template's frame, cut to {@link #maxLength()}, not padded.
     *
     * @param text any text; the empty text gives the frame alone
     * @return ids, mask (all 1) and type ids
     */
    public Encoding encode(String text) {
        IntList pieces = pieces(text);
        int n = Math.min(pieces.size(), maxLength - template.added());
        int length = n + template.added();
        int[] ids = new int[length], mask = new int[length], types = new int[length];
        frame(pieces, n, ids, types, 0);
        Arrays.fill(mask, 1);
        return new Encoding(ids, mask, types);
    }

    /**
     * The encodings of {@code texts} as one padded rectangle: each cut to {@link #maxLength()} and padded per
     * {@link #padding()} with the pad token, its type id and mask 0.
     *
     * @param texts the texts, one row each
     * @return the batch
     */
    public BatchEncoding encodeBatch(List<String> texts) {
        IntList[] pieces = new IntList[texts.size()];
        int longest = 0;
        for (int i = 0; i < pieces.length; i++) {
            pieces[i] = pieces(texts.get(i));
            longest = Math.max(longest, Math.min(pieces[i].size(), maxLength - template.added()) + template.added());
        }
        int length = padding.lengthFor(longest);
        int[] ids = new int[pieces.length * length], mask = new int[ids.length], types = new int[ids.length];
        for (int i = 0; i < pieces.length; i++) {
            int n = Math.min(pieces[i].size(), maxLength - template.added());
            int row = i * length, used = n + template.added();
            frame(pieces[i], n, ids, types, row);
            Arrays.fill(mask, row, row + used, 1);
            Arrays.fill(ids, row + used, row + length, padId);
            Arrays.fill(types, row + used, row + length, padTypeId);
        }
        return new BatchEncoding(pieces.length, length, ids, mask, types);
    }

    /**
     * The tokens of {@code ids}, special ones included: what the model sees, for debugging.
     *
     * @param ids token ids
     * @return one token per id
     */
    public List<String> tokens(int[] ids) {
        List<String> out = new ArrayList<>(ids.length);
        for (int id : ids) out.add(token(id));
        return out;
    }

    /**
     * The text of {@code ids} as Hugging Face's {@code decode} with {@code skip_special_tokens} gives it: special
     * tokens ({@code [CLS]}, {@code [PAD]}, ...) left out, {@code ##} pieces joined to the piece before them, other
     * tokens separated by spaces. Lowercased and without accents when the normalizer made it so.
     *
     * @param ids token ids
     * @return the text
     */
    public String decode(int[] ids) {
        List<String> kept = new ArrayList<>(ids.length);
        for (int id : ids) {
            String t = token(id);
            if (!special[id]) kept.add(t);
        }
        return decoder.decode(kept);
    }

    private String token(int id) {
        if (id < 0 || id >= tokens.length || tokens[id] == null) {
            throw new IllegalArgumentException("WordPieceTokenizer: id " + id + " is no token of this vocabulary (" + tokens.length + " ids)");
        }
        return tokens[id];
    }

    /** The ids of {@code text}'s tokens, before the frame and truncation. */
    private IntList pieces(String text) {
        IntList out = new IntList(text.length() / 3 + 4);
        BertPreTokenizer.Words words = (s, start, end) -> model.tokenize(s, start, end, out);
        AddedTokens.Sink afterNormalizing = new AddedTokens.Sink() {
            @Override
            public void text(String normalized, int start, int end) {
                BertPreTokenizer.split(normalized, start, end, words);
            }

            @Override
            public void token(int id) {
                out.add(id);
            }
        };
        rawTokens.split(text, new AddedTokens.Sink() {
            @Override
            public void text(String raw, int start, int end) {
                String normalized = normalizer.normalize(start == 0 && end == raw.length() ? raw : raw.substring(start, end));
                normalizedTokens.split(normalized, afterNormalizing);
            }

            @Override
            public void token(int id) {
                out.add(id);
            }
        });
        return out;
    }

    /** Writes the frame around the first {@code n} pieces into {@code ids} and {@code types} from {@code at}. */
    private void frame(IntList pieces, int n, int[] ids, int[] types, int at) {
        int[] prefix = template.prefixIds(), suffix = template.suffixIds();
        System.arraycopy(prefix, 0, ids, at, prefix.length);
        System.arraycopy(template.prefixTypes(), 0, types, at, prefix.length);
        at += prefix.length;
        pieces.copyTo(n, ids, at);
        Arrays.fill(types, at, at + n, template.sequenceType());
        at += n;
        System.arraycopy(suffix, 0, ids, at, suffix.length);
        System.arraycopy(template.suffixTypes(), 0, types, at, suffix.length);
    }
}
