package io.sgnflow.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sgnflow.model.DensityModel;
import io.sgnflow.model.ScoreKind;
import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.TestModels;
import io.sgnflow.model.core.Activation;
import io.sgnflow.model.core.AnomalyThreshold;
import io.sgnflow.model.core.FlowArchitecture;
import io.sgnflow.model.core.SpectralNorm;
import io.sgnflow.model.core.Standardizer;
import io.sgnflow.model.vae.SgnVaeModel;
import io.sgnflow.model.vae.VaeArchitecture;
import io.sgnflow.model.vae.VaeScoring;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Model files carry the model kind: SGN-VAE files (format version 2) round-trip byte for byte, and
 * SGN-Flow files written before SGN-VAE existed (format version 1) still load and score the same.
 */
class ModelFileKindsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void vaeSaveLoadSaveGivesIdenticalBytesAndTheSameScores() {
        SgnVaeModel model = vae();

        byte[] first = ModelFile.toBytes(model);
        DensityModel loaded = ModelFile.load(first);

        assertThat(loaded).isInstanceOf(SgnVaeModel.class);
        assertThat(ModelFile.toBytes(loaded)).isEqualTo(first);
        assertThat(loaded.scoreKind()).isEqualTo(ScoreKind.ELBO);
        assertThat(((SgnVaeModel) loaded).scoring()).isEqualTo(model.scoring());
        double[] event = {0.3, -1.2, 0.8, 2.0, -0.4};
        assertThat(loaded.score(event)).isEqualTo(model.score(event));
    }

    @Test
    void vaeFilesAreFormatVersion2AndFlowFilesStayAtVersion1() throws IOException {
        JsonNode vaeFile = JSON.readTree(ModelFile.toBytes(vae()));
        SgnFlowModel flow =
                TestModels.random(TestModels.architecture(5, 3, Activation.TANH, 8), 11);
        JsonNode flowFile = JSON.readTree(ModelFile.toBytes(flow));

        assertThat(vaeFile.get("formatVersion").asInt()).isEqualTo(2);
        assertThat(vaeFile.at("/body/modelType").asText()).isEqualTo("sgn-vae");
        assertThat(flowFile.get("formatVersion").asInt()).isEqualTo(1);
        assertThat(flowFile.at("/body/modelType").asText()).isEqualTo("sgn-flow");
    }

    @Test
    void flowFileWrittenBeforeVaeSupportLoadsScoresAndRewritesIdentically() throws IOException {
        // Written by the build before SGN-VAE (commit f6ed707) from the first 300 thyroid rows;
        // the expected values are what its `score` command printed for the first five rows.
        byte[] golden = resource("/golden/flow-v1-thyroid.sgn.json");
        double[][] rows = {
            {
                0.774193548387,
                0.0011320754717,
                0.137571157495,
                0.275700934579,
                0.295774647887,
                0.23606557377
            },
            {
                0.247311827957,
                0.000471698113208,
                0.279886148008,
                0.329439252336,
                0.535211267606,
                0.173770491803
            },
            {
                0.494623655914,
                0.00358490566038,
                0.222960151803,
                0.233644859813,
                0.525821596244,
                0.124590163934
            },
            {
                0.677419354839,
                0.00169811320755,
                0.156546489564,
                0.17523364486,
                0.333333333333,
                0.13606557377
            },
            {
                0.236559139785,
                0.000471698113208,
                0.241935483871,
                0.320093457944,
                0.333333333333,
                0.247540983607
            }
        };
        double[] expected = {
            10.385020827772472,
            8.766200618999758,
            8.312931477797411,
            11.117854669396715,
            9.490120563980632
        };

        SgnFlowModel model = ModelFile.fromBytes(golden);

        assertThat(ModelFile.toBytes(model)).isEqualTo(golden);
        assertThat(model.featureNames()).isEqualTo(List.of("f0", "f1", "f2", "f3", "f4", "f5"));
        for (int i = 0; i < rows.length; i++) {
            assertThat(model.logLikelihood(rows[i])).isCloseTo(expected[i], within(1e-12));
        }
    }

    @Test
    void flowOnlyReaderNamesAVaeFile() {
        byte[] bytes = ModelFile.toBytes(vae());

        assertThatThrownBy(() -> ModelFile.fromBytes(bytes))
                .isInstanceOf(InvalidModelFileException.class)
                .hasMessageContaining("holds an sgn-vae model; this needs an sgn-flow model");
    }

    @Test
    void vaeBodyUnderFormatVersion1IsRejectedNamingTheVersions() throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(ModelFile.toBytes(vae()));
        root.put("formatVersion", 1);

        assertThatThrownBy(() -> ModelFile.load(JSON.writeValueAsBytes(root)))
                .isInstanceOf(InvalidModelFileException.class)
                .hasMessageContaining("model type 'sgn-vae' is not supported in format version 1");
    }

    @Test
    void unknownVaeScoreKindIsNamed() throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(ModelFile.toBytes(vae()));
        ObjectNode body = (ObjectNode) root.get("body");
        ((ObjectNode) body.get("scoring")).put("kind", "exact_log_likelihood");
        root.put("sha256", ModelFile.sha256(JSON.writeValueAsBytes(body)));

        assertThatThrownBy(() -> ModelFile.load(JSON.writeValueAsBytes(root)))
                .isInstanceOf(InvalidModelFileException.class)
                .hasMessageContaining("elbo or iw_log_likelihood, not exact_log_likelihood");
    }

    @Test
    void editedVaeFailsTheChecksum() {
        String text = new String(ModelFile.toBytes(vae()), StandardCharsets.UTF_8);
        String edited = text.replaceFirst("\"samples\":8", "\"samples\":9");
        assertThat(edited).isNotEqualTo(text);

        assertThatThrownBy(() -> ModelFile.load(edited.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidModelFileException.class)
                .hasMessageContaining("checksum mismatch");
    }

    private static SgnVaeModel vae() {
        FlowArchitecture core = new FlowArchitecture(3, new int[] {5}, Activation.TANH, 2, 2.0);
        VaeArchitecture arch =
                new VaeArchitecture(5, 3, new int[] {6}, new int[] {4}, Activation.TANH, core);
        Random random = new Random(4);
        double[] params = new double[arch.parameterCount()];
        for (int i = 0; i < params.length; i++) {
            params[i] = 0.2 * random.nextGaussian();
        }
        new SpectralNorm(core, 1).project(params, 100);
        return new SgnVaeModel(
                3,
                "2026-12-01T00:00:00Z",
                TestModels.names(5),
                arch,
                params,
                new Standardizer(
                        new double[] {1, 2, 3, 4, 5},
                        new double[] {1, 0.5, 2, 1, 3},
                        new boolean[5]),
                new VaeScoring(ScoreKind.ELBO, 8, 77),
                AnomalyThreshold.calibrate(0.01, new double[] {-20, -10, -5, 0}),
                null);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ModelFileKindsTest.class.getResourceAsStream(name)) {
            assertThat(in).as("test resource %s", name).isNotNull();
            return in.readAllBytes();
        }
    }
}
