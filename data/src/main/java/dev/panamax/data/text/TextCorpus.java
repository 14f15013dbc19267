package dev.panamax.data.text;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A text and its token ids under one tokenizer, split into a training part and a validation part at the end (the
 * last 10 % unless told otherwise), so that validation text is text the model never trained on, not a shuffle of
 * the same passages.
 */
public final class TextCorpus {
    /** The share of tokens kept for validation unless told otherwise. */
    public static final double DEFAULT_VALIDATION_FRACTION = 0.1;

    private final String name;
    private final Tokenizer tokenizer;
    private final Tokens tokens;

    private TextCorpus(String name, Tokenizer tokenizer, Tokens tokens) {
        this.name = name;
        this.tokenizer = tokenizer;
        this.tokens = tokens;
    }

    /**
     * The training and the validation tokens of a corpus.
     *
     * @param train      the first part of the tokens
     * @param validation the rest, right after {@code train} in the text
     */
    public record Split(Tokens train, Tokens validation) {}

    /**
     * {@code text}, called {@code name} in messages, tokenized with {@code tokenizer}.
     *
     * @param name      what messages call the corpus
     * @param text      the whole text
     * @param tokenizer turns the text into ids
     * @return the tokenized corpus
     * @throws IllegalArgumentException when the tokenizer cannot encode the text
     */
    public static TextCorpus of(String name, String text, Tokenizer tokenizer) {
        if (text.isEmpty()) throw new IllegalArgumentException(name + ": the text is empty; a corpus needs text");
        return new TextCorpus(name, tokenizer, Tokens.wrap(tokenizer.encode(text)));
    }

    /**
     * The UTF-8 text of {@code file}, tokenized with {@code tokenizer}.
     *
     * @param file      a UTF-8 text file
     * @param tokenizer turns the text into ids
     * @return the tokenized corpus, named after the file
     * @throws IOException when the file cannot be read or is not valid UTF-8
     */
    public static TextCorpus read(Path file, Tokenizer tokenizer) throws IOException {
        return new TextCorpus(file.toString(), tokenizer, Tokens.wrap(tokenizer.encode(readUtf8(file))));
    }

    /**
     * The text of {@code file}, refusing an empty file and one that is not UTF-8 (a Latin-1 or UTF-16 file read as
     * UTF-8 would silently train on replacement characters).
     *
     * @param file a UTF-8 text file
     * @return its text
     * @throws IOException when the file cannot be read, is empty, or is not valid UTF-8
     */
    public static String readUtf8(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length == 0) throw new IOException(file + ": the file is empty; a corpus needs text");
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);  // UTF-8 never gives more chars than bytes
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();  // reports malformed input rather than replacing it
        CoderResult result = utf8.decode(in, out, true);
        if (!result.isError()) result = utf8.flush(out);
        if (result.isError()) {
            throw new IOException(String.format("%s: not UTF-8 text (byte 0x%02X at offset %d does not start or continue a UTF-8 character); "
                    + "convert the file to UTF-8 first", file, bytes[in.position()] & 0xFF, in.position()));
        }
        return out.flip().toString();
    }

    /** {@return what messages call this corpus (its file name, or the name it was given)} */
    public String name() {
        return name;
    }

    /** {@return the tokenizer that made the ids, to decode generated text} */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** {@return all the ids, in text order} */
    public Tokens tokens() {
        return tokens;
    }

    /** {@return the last 10 % for validation, the rest for training} */
    public Split split() {
        return split(DEFAULT_VALIDATION_FRACTION);
    }

    /**
     * The last {@code validationFraction} of the tokens (rounded down) for validation, the rest for training.
     *
     * @param validationFraction the share of tokens for validation, in [0, 1)
     * @return the two parts, sharing this corpus's ids
     * @throws IllegalArgumentException when the fraction is outside [0, 1)
     */
    public Split split(double validationFraction) {
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException(name + ": the validation fraction must be in [0, 1), got " + validationFraction);
        }
        int n = tokens.size();
        int cut = n - (int) (n * validationFraction);
        return new Split(tokens.slice(0, cut), tokens.slice(cut, n));
    }
}
