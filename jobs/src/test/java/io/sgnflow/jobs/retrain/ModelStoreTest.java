package io.sgnflow.jobs.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {
    @TempDir Path dir;

    @Test
    void writesAtomicallyKeepsTheNewestVersionsAndReadsTheLatest() throws Exception {
        ModelStore store = new ModelStore(dir.resolve("store").toUri().toString(), 2);
        assertThat(store.readLatest()).isNull();
        for (long v = 1; v <= 4; v++) {
            store.write(v, ("model " + v).getBytes(StandardCharsets.UTF_8));
        }
        assertThat(store.versions()).containsExactly(3L, 4L);
        assertThat(new String(store.readLatest(), StandardCharsets.UTF_8)).isEqualTo("model 4");
        try (var files = Files.list(dir.resolve("store"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("model-v3.sgn.json", "model-v4.sgn.json");
        }
        // A replayed version overwrites its file.
        store.write(4, "again".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(store.read(4), StandardCharsets.UTF_8)).isEqualTo("again");
    }

    @Test
    void theNextVersionFollowsBothTheCurrentModelAndTheNewestStoredOne() throws Exception {
        ModelStore store = new ModelStore(dir.resolve("store").toUri().toString(), 10);
        var v1 = RetrainFixtures.modelOfA();

        assertThat(RetrainWindowFunction.nextVersion(null, store)).isEqualTo(1);
        assertThat(RetrainWindowFunction.nextVersion(v1, store)).isEqualTo(2);
        // Started again with --model v1 over a store that reached v5: not a second "version 2".
        store.write(5, "model 5".getBytes(StandardCharsets.UTF_8));
        assertThat(RetrainWindowFunction.nextVersion(v1, store)).isEqualTo(6);
        assertThat(RetrainWindowFunction.nextVersion(v1.withVersion(9), store)).isEqualTo(10);
    }
}
