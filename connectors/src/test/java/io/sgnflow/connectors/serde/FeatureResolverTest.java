package io.sgnflow.connectors.serde;

import static io.sgnflow.connectors.serde.Inputs.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgnflow.connectors.record.DeadLetterReason;
import io.sgnflow.connectors.record.DeadLetterRecord;
import io.sgnflow.connectors.record.EventRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FeatureResolverTest {
    private static final List<String> MODEL_FEATURES = List.of("cpu", "mem", "disk");

    private final FeatureResolver resolver = new FeatureResolver(MODEL_FEATURES);
    private final EventParser parser = new EventParser(EventFormat.JSON);

    private Resolution resolveJson(String json) {
        return resolver.resolve(parser.parse(input(json)).event());
    }

    private static String arrayOf(int count) {
        return IntStream.range(0, count)
                .mapToObj(Integer::toString)
                .collect(Collectors.joining(",", "{\"features\": [", "]}"));
    }

    @Test
    void ordersNamedFeaturesLikeTheModel() {
        Resolution resolution =
                resolveJson("{\"features\": {\"disk\": 3, \"cpu\": 1, \"mem\": 2}}");

        assertThat(resolution.isOk()).isTrue();
        assertThat(resolution.values()).containsExactly(1.0, 2.0, 3.0);
    }

    @Test
    void passesArrayFeaturesThroughAsACopy() {
        EventRecord event = parser.parse(input("{\"features\": [1, 2, 3]}")).event();

        double[] values = resolver.resolve(event).values();

        assertThat(values).containsExactly(1.0, 2.0, 3.0);
        assertThat(values).isNotSameAs(event.getValues());
    }

    @Test
    void rejectsEventWithWrongFeatureCount() {
        FeatureResolver wide =
                new FeatureResolver(
                        IntStream.range(0, 38).mapToObj(i -> "f" + i).collect(Collectors.toList()));

        Resolution resolution = wide.resolve(parser.parse(input(arrayOf(37))).event());

        DeadLetterRecord deadLetter = resolution.deadLetter();
        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.WRONG_DIMENSION);
        assertThat(deadLetter.getMessage()).isEqualTo("expected 38 features, found 37");
    }

    @Test
    void rejectsTooManyCsvColumns() {
        EventRecord event = new EventParser(EventFormat.CSV).parse(input("1,2,3,4")).event();

        assertThat(resolver.resolve(event).deadLetter().getMessage())
                .isEqualTo("expected 3 features, found 4");
    }

    @Test
    void rejectsMissingFeatureNamingTheFirstAndCountingTheRest() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            names.add("f" + i);
        }
        FeatureResolver tenFeatures = new FeatureResolver(names);

        Resolution resolution =
                tenFeatures.resolve(
                        parser.parse(
                                        input(
                                                "{\"features\": {\"f0\":0,\"f1\":1,\"f2\":2,"
                                                        + "\"f3\":3,\"f4\":4,\"f5\":5,\"f6\":6}}"))
                                .event());

        assertThat(resolution.deadLetter().getReason()).isEqualTo(DeadLetterReason.MISSING_FEATURE);
        assertThat(resolution.deadLetter().getMessage())
                .isEqualTo("missing feature 'f7' (and 2 more)");
    }

    @Test
    void rejectsSingleMissingFeature() {
        Resolution resolution = resolveJson("{\"features\": {\"cpu\": 1, \"disk\": 3}}");

        assertThat(resolution.deadLetter().getMessage()).isEqualTo("missing feature 'mem'");
    }

    @Test
    void rejectsUnknownFeatureNamingIt() {
        Resolution resolution =
                resolveJson("{\"features\": {\"cpu\": 1, \"mem\": 2, \"disk\": 3, \"gpu\": 4}}");

        assertThat(resolution.deadLetter().getReason()).isEqualTo(DeadLetterReason.UNKNOWN_FEATURE);
        assertThat(resolution.deadLetter().getMessage()).isEqualTo("unknown feature 'gpu'");
    }

    @Test
    void rejectsEventWithOnlyUnknownFeaturesNamingBoth() {
        Resolution resolution = resolveJson("{\"features\": {\"gpu\": 4}}");

        assertThat(resolution.deadLetter().getReason()).isEqualTo(DeadLetterReason.UNKNOWN_FEATURE);
        assertThat(resolution.deadLetter().getMessage())
                .isEqualTo("unknown feature 'gpu'; missing feature 'cpu' (and 2 more)");
    }

    @Test
    void rejectsEmptyFeatureObjectAsMissing() {
        Resolution resolution = resolveJson("{\"features\": {}}");

        assertThat(resolution.deadLetter().getReason()).isEqualTo(DeadLetterReason.MISSING_FEATURE);
    }

    @Test
    void deadLetterCarriesRawTextCoordinatesAndTheSourceRecordsTimestamp() {
        String json = "{\"ts\": 5, \"features\": [1]}";

        DeadLetterRecord deadLetter = resolveJson(json).deadLetter();

        assertThat(deadLetter.getRawText()).isEqualTo(json);
        assertThat(deadLetter.getRawBase64()).isNull();
        assertThat(deadLetter.getTopic()).isEqualTo(Inputs.TOPIC);
        assertThat(deadLetter.getPartition()).isEqualTo(Inputs.PARTITION);
        assertThat(deadLetter.getOffset()).isEqualTo(Inputs.OFFSET);
        // Not the event's own ts (5): the broker accepted the source record's timestamp.
        assertThat(deadLetter.getTimestamp()).isEqualTo(Inputs.KAFKA_TIMESTAMP);
    }

    @Test
    void rejectsHandMadeEventWithRepeatedName() {
        EventRecord event =
                new EventRecord(
                        null,
                        null,
                        0L,
                        new String[] {"cpu", "cpu", "mem"},
                        new double[] {1, 2, 3},
                        "t",
                        0,
                        0L,
                        "");

        assertThat(resolver.resolve(event).deadLetter().getMessage())
                .isEqualTo("duplicate feature 'cpu'");
    }

    @Test
    void rejectsInvalidModelFeatureLists() {
        assertThatThrownBy(() -> new FeatureResolver(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-empty");
        assertThatThrownBy(() -> new FeatureResolver(List.of("a", "b", "a")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model feature name 'a' appears twice, at index 0 and 2");
        assertThatThrownBy(() -> new FeatureResolver(Arrays.asList("a", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model feature name at index 1 must be non-blank, found null");
    }

    @Test
    void exposesDimensionAndNames() {
        assertThat(resolver.dimension()).isEqualTo(3);
        assertThat(resolver.modelFeatureNames()).containsExactly("cpu", "mem", "disk");
    }
}
