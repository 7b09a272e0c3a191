package io.sgnflow.jobs.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgnflow.jobs.scoring.ModelUpdates.ModelRejectedException;
import io.sgnflow.model.DensityModel;
import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.io.ModelFile;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every reason the scoring job gives for refusing a model update, and what it accepts. */
class ModelUpdatesTest {
    private static SgnFlowModel v1;
    private static SgnFlowModel v2;

    @BeforeAll
    static void train() {
        v1 = ScoringFixtures.trainModel(1, 1);
        v2 = ScoringFixtures.trainModel(2, 2);
    }

    @Test
    void aNewerModelOfTheSameFeaturesReplacesTheServingOne() {
        DensityModel accepted = ModelUpdates.accept(ModelFile.toBytes(v2), v1);

        assertThat(accepted.version()).isEqualTo(2);
    }

    @Test
    void anyValidModelIsTheFirstOne() {
        assertThat(ModelUpdates.accept(ModelFile.toBytes(v1), null).version()).isEqualTo(1);
    }

    @Test
    void emptyCorruptAndTruncatedUpdatesAreRefusedWithTheLoadersReason() {
        byte[] bytes = ModelFile.toBytes(v2);
        byte[] flipped = bytes.clone();
        flipped[flipped.length / 2] ^= 0x20;

        assertThatThrownBy(() -> ModelUpdates.accept(new byte[0], v1))
                .isInstanceOf(ModelRejectedException.class)
                .hasMessage("empty model update");
        assertThatThrownBy(() -> ModelUpdates.accept(flipped, v1))
                .isInstanceOf(ModelRejectedException.class)
                .hasMessageMatching("(?s).*(checksum|JSON).*");
        assertThatThrownBy(() -> ModelUpdates.accept(Arrays.copyOf(bytes, bytes.length / 3), v1))
                .isInstanceOf(ModelRejectedException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void anotherDimensionIsRefusedWithBothCounts() {
        SgnFlowModel smaller = ScoringFixtures.trainOn(List.of("cpu", "mem", "disk"), 5);

        assertThatThrownBy(() -> ModelUpdates.accept(ModelFile.toBytes(smaller), v1))
                .isInstanceOf(ModelRejectedException.class)
                .hasMessageContaining("update has 3 features, serving model 5");
    }

    @Test
    void otherFeatureNamesAreRefusedNamingBoth() {
        SgnFlowModel renamed =
                ScoringFixtures.trainOn(List.of("cpu", "mem", "disk", "net", "swap"), 5);

        assertThatThrownBy(() -> ModelUpdates.accept(ModelFile.toBytes(renamed), v1))
                .isInstanceOf(ModelRejectedException.class)
                .hasMessageContaining("feature names differ")
                .hasMessageContaining("swap")
                .hasMessageContaining("load");
    }

    @Test
    void aVersionThatIsNotNewerIsRefused() {
        assertThatThrownBy(() -> ModelUpdates.accept(ModelFile.toBytes(v1), v2))
                .isInstanceOf(ModelRejectedException.class)
                .hasMessage("version 1 is not newer than the serving version 2");
        assertThatThrownBy(() -> ModelUpdates.accept(ModelFile.toBytes(v2), v2))
                .hasMessage("version 2 is not newer than the serving version 2");
    }
}
