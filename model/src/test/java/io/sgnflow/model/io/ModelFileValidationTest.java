package io.sgnflow.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.TestModels;
import io.sgnflow.model.core.Activation;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What the README promises about model files: byte-stable round trips and named load errors. */
class ModelFileValidationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SgnFlowModel model =
            TestModels.random(TestModels.architecture(5, 3, Activation.TANH, 8), 11);

    @Test
    void saveLoadSaveGivesIdenticalBytesAndTheSameScores() {
        byte[] first = ModelFile.toBytes(model);
        SgnFlowModel loaded = ModelFile.fromBytes(first);

        assertThat(ModelFile.toBytes(loaded)).isEqualTo(first);
        double[] event = {0.3, -1.2, 0.8, 2.0, -0.4};
        assertThat(loaded.newScorer().logLikelihood(event))
                .isEqualTo(model.newScorer().logLikelihood(event));
    }

    @Test
    void truncatedFileIsNamedAsInvalidJsonWithoutJacksonInternals() {
        byte[] bytes = ModelFile.toBytes(model);

        assertThatThrownBy(() -> ModelFile.fromBytes(Arrays.copyOf(bytes, bytes.length / 2)))
                .isInstanceOf(InvalidModelFileException.class)
                .hasMessageContaining("not valid JSON")
                .hasMessageNotContaining("REDACTED")
                .hasMessageNotContaining("StreamReadFeature");
    }

    @Test
    void editedBodyFailsTheChecksumNamingBothHashes() {
        String text = new String(ModelFile.toBytes(model), StandardCharsets.UTF_8);
        String edited = text.replaceFirst("\"f0\"", "\"fx\"");
        assertThat(edited).isNotEqualTo(text);

        assertThatThrownBy(() -> ModelFile.fromBytes(edited.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidModelFileException.class)
                .hasMessageContaining("checksum mismatch")
                .hasMessageContaining("body hashes to");
    }

    @Test
    void unknownFormatVersionIsNamed() {
        String text = new String(ModelFile.toBytes(model), StandardCharsets.UTF_8);
        String future = text.replaceFirst("\"formatVersion\":1,", "\"formatVersion\":99,");
        assertThat(future).isNotEqualTo(text);

        assertThatThrownBy(() -> ModelFile.fromBytes(future.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidModelFileException.class)
                .hasMessageContaining("format version 99");
    }

    @Test
    void nonFiniteParameterWithAValidChecksumIsRejectedNamingIt() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(ModelFile.toBytes(model));
        ObjectNode body = (ObjectNode) root.get("body");
        ((ArrayNode) body.get("parameters")).set(4, JSON.getNodeFactory().textNode("NaN"));
        root.put("sha256", ModelFile.sha256(JSON.writeValueAsBytes(body)));

        assertThatThrownBy(() -> ModelFile.fromBytes(JSON.writeValueAsBytes(root)))
                .isInstanceOf(InvalidModelFileException.class)
                .hasMessageContaining("parameters[4]")
                .hasMessageContaining("not a finite number");
    }

    @Test
    void trailingBytesAfterTheModelAreRejected() {
        byte[] bytes = ModelFile.toBytes(model);
        byte[] doubled = new byte[2 * bytes.length];
        System.arraycopy(bytes, 0, doubled, 0, bytes.length);
        System.arraycopy(bytes, 0, doubled, bytes.length, bytes.length);

        assertThatThrownBy(() -> ModelFile.fromBytes(doubled))
                .isInstanceOf(InvalidModelFileException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void rehashedBodiesWithWrongTypesOrContradictoryFiguresAreRejectedNamingTheField()
            throws Exception {
        assertRejected(
                b -> b.put("version", "x"), "field 'version' is \"x\", not a 64-bit integer");
        assertRejected(
                b -> b.put("version", new java.math.BigInteger("92233720368547758070")),
                "field 'version' is 92233720368547758070, not a 64-bit integer");
        assertRejected(b -> b.put("createdAt", 12), "field 'createdAt' is 12, not a string");
        assertRejected(
                b -> ((ObjectNode) b.get("threshold")).put("alpha", "abc"),
                "field 'alpha' is \"abc\", not a finite number");
        assertRejected(
                b -> ((ArrayNode) b.get("features")).set(0, JSON.getNodeFactory().nullNode()),
                "feature name null is not a non-empty string");
        assertRejected(
                b -> ((ArrayNode) b.get("features")).set(1, JSON.getNodeFactory().textNode("")),
                "feature name \"\" is not a non-empty string");
        assertRejected(
                b ->
                        ((ArrayNode) b.get("architecture").get("hiddenWidths"))
                                .set(0, JSON.getNodeFactory().numberNode(8.7)),
                "hiddenWidths[0] is 8.7, not a 32-bit integer");
        assertRejected(
                b ->
                        ((ArrayNode) b.get("architecture").get("permutation"))
                                .set(0, JSON.getNodeFactory().textNode("0")),
                "permutation[0] is \"0\", not a 32-bit integer");
        assertRejected(
                b ->
                        ((ArrayNode) b.get("preprocessing").get("scale"))
                                .set(0, JSON.getNodeFactory().numberNode(1e308)),
                "must be within 1.0E150 in magnitude");
        assertRejected(
                b -> ((ObjectNode) b.get("architecture")).put("half", 7),
                "field 'half' is 7 but the architecture gives 2");
        assertRejected(
                b -> ((ObjectNode) b.get("architecture")).put("stepSizeMax", 100.0),
                "field 'stepSizeMax' is 100.0");
        assertRejected(
                b -> ((ObjectNode) b.get("threshold")).put("logLikelihood", 1e308),
                "lies outside its validation sample");
    }

    private void assertRejected(java.util.function.Consumer<ObjectNode> edit, String message)
            throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(ModelFile.toBytes(model));
        ObjectNode body = (ObjectNode) root.get("body");
        edit.accept(body);
        root.put("sha256", ModelFile.sha256(JSON.writeValueAsBytes(body)));

        assertThatThrownBy(() -> ModelFile.fromBytes(JSON.writeValueAsBytes(root)))
                .isInstanceOf(InvalidModelFileException.class)
                .hasMessageContaining(message);
    }
}
