package dev.panamax.apps.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.panamax.data.text.BatchEncoding;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * all-MiniLM-L6-v2 sentence embeddings: against ONNX Runtime on the same file and token ids (pooling and
 * normalisation written out here independently), and against the similarity scores sentence-transformers'
 * documentation prints for its semantic-search example.
 */
class SentenceEmbedderTest {
    static final List<String> SENTENCES = List.of(
            "A man is eating food.", "The new movie is awesome!", "The cat sits outside", "A man is playing guitar.",
            "I love pasta", "Do you like pizza?", "Héllo, wörld: naïve café — Ångström.", "don't won't can't it's",
            "Visit https://example.com/path?q=1 for 3.14159 reasons.", "一个男人在吃东西。", "床前明月光，疑是地上霜。",
            "我喜欢用Java写deep learning代码", "Emoji 😀👍🏽 and 🇫🇷 flags", "日本語のテキストです", "한국어 문장입니다",
            "مرحبا بالعالم", "  leading and trailing spaces  ", "tabs\tand\nnewlines", "",
            "a", "supercalifragilisticexpialidocious antidisestablishmentarianism",
            "The quick brown fox jumps over the lazy dog. ".repeat(30));

    @Test
    void embeddingsMatchOnnxRuntimeWithMeanPoolingWrittenOutHere() throws Exception {
        float[][] ours;
        List<float[]> reference = new ArrayList<>();
        try (SentenceEmbedder e = SentenceEmbedder.miniLm()) {
            ours = e.embed(SENTENCES);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession s = env.createSession(MiniLm.files().model().toString(), new OrtSession.SessionOptions())) {
                for (String sentence : SENTENCES) {  // one at a time, as the tokenizer.json pads it
                    BatchEncoding enc = e.tokenizer().encodeBatch(List.of(sentence));
                    int t = enc.length();
                    long[][] ids = new long[1][t], mask = new long[1][t], types = new long[1][t];
                    for (int j = 0; j < t; j++) {
                        ids[0][j] = enc.ids()[j];
                        mask[0][j] = enc.attentionMask()[j];
                        types[0][j] = enc.typeIds()[j];
                    }
                    try (OnnxTensor a = OnnxTensor.createTensor(env, ids); OnnxTensor m = OnnxTensor.createTensor(env, mask);
                         OnnxTensor ty = OnnxTensor.createTensor(env, types);
                         OrtSession.Result r = s.run(Map.of("input_ids", a, "attention_mask", m, "token_type_ids", ty))) {
                        FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                        int h = fb.remaining() / t;
                        double[] mean = new double[h];
                        int visible = 0;
                        for (int j = 0; j < t; j++) visible += (int) mask[0][j];
                        for (int j = 0; j < t; j++) {
                            for (int c = 0; c < h; c++) mean[c] += mask[0][j] * fb.get(j * h + c) / (double) visible;
                        }
                        double norm = 0;
                        for (double v : mean) norm += v * v;
                        float[] unit = new float[h];
                        for (int c = 0; c < h; c++) unit[c] = (float) (mean[c] / Math.max(Math.sqrt(norm), 1e-12));
                        reference.add(unit);
                    }
                }
            }
        }
        for (int i = 0; i < SENTENCES.size(); i++) {
            float[] a = ours[i], b = reference.get(i);
            assertEquals(384, a.length);
            double dot = 0, worst = 0;
            for (int c = 0; c < a.length; c++) {
                dot += a[c] * b[c];
                worst = Math.max(worst, Math.abs(a[c] - b[c]));
            }
            assertTrue(dot >= 0.99999 && worst <= 1e-4, "sentence " + i + " '" + SENTENCES.get(i) + "': cosine " + dot + ", max |diff| " + worst);
        }
    }

    @Test
    void semanticSearchScoresMatchSentenceTransformersDocumentation() throws Exception {
        // sentence-transformers' semantic search example with all-MiniLM-L6-v2 prints these four-decimal scores.
        List<String> corpus = List.of("A man is eating food.", "A man is eating a piece of bread.", "A man is riding a horse.",
                "A man is riding a white horse on an enclosed ground.");
        double[] documented = {0.7035, 0.5272, 0.1889, 0.1047};
        try (SentenceEmbedder e = SentenceEmbedder.miniLm()) {
            float[] q = e.embed(List.of("A man is eating pasta."))[0];
            float[][] c = e.embed(corpus);
            for (int i = 0; i < corpus.size(); i++) {
                double s = 0;
                for (int k = 0; k < q.length; k++) s += q[k] * c[i][k];
                assertEquals(documented[i], s, 6e-5, corpus.get(i));
            }
        }
    }
}
