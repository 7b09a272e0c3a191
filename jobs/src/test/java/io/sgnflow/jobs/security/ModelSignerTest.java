package io.sgnflow.jobs.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgnflow.connectors.kafka.KafkaInputDeserializationSchema;
import io.sgnflow.jobs.retrain.ModelUpdateSerializationSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSignerTest {
    private static final String KEY = "0123456789abcdef0123456789abcdef0123456789abcdef";
    private static final byte[] MODEL =
            "{\"format\":\"sgn-flow\"}".getBytes(StandardCharsets.UTF_8);

    @TempDir Path dir;

    private ModelSigner signer(String key) throws Exception {
        Path file = dir.resolve("key-" + key.hashCode());
        Files.writeString(file, key + "\n");
        return ModelSigner.fromKeyFile(file);
    }

    @Test
    void aNewKeyFileHoldsThirtyTwoRandomBytesReadableByItsOwnerOnly() throws Exception {
        Path first = ModelSigner.writeNewKeyFile(dir.resolve("a.key"));
        Path second = ModelSigner.writeNewKeyFile(dir.resolve("b.key"));

        assertThat(Files.readString(first)).matches("[0-9a-f]{64}");
        assertThat(Files.readString(first)).isNotEqualTo(Files.readString(second));
        assertThat(
                        java.nio.file.attribute.PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(first)))
                .isEqualTo("rw-------");
        byte[] model = "model".getBytes(StandardCharsets.UTF_8);
        assertThat(ModelSigner.fromKeyFile(first).sign(model))
                .isNotEqualTo(ModelSigner.fromKeyFile(second).sign(model));
        assertThatThrownBy(() -> ModelSigner.writeNewKeyFile(first))
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
    }

    @Test
    void signatureIsTheHexHmacSha256OfTheTrimmedKeyFile() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal(MODEL));

        byte[] signature = signer(KEY).sign(MODEL);

        assertThat(new String(signature, StandardCharsets.US_ASCII)).isEqualTo(expected);
    }

    @Test
    void acceptsItsOwnSignature() throws Exception {
        ModelSigner signer = signer(KEY);

        assertThat(signer.problem(MODEL, signer.sign(MODEL))).isNull();
    }

    @Test
    void acceptsUpperCaseHex() throws Exception {
        ModelSigner signer = signer(KEY);
        String upper = new String(signer.sign(MODEL), StandardCharsets.US_ASCII).toUpperCase();

        assertThat(signer.problem(MODEL, upper.getBytes(StandardCharsets.US_ASCII))).isNull();
    }

    @Test
    void rejectsAnUnsignedUpdate() throws Exception {
        assertThat(signer(KEY).problem(MODEL, null)).startsWith("unsigned");
    }

    @Test
    void rejectsASignatureMadeWithAnotherKey() throws Exception {
        byte[] foreign = signer(KEY.replace('0', 'x')).sign(MODEL);

        assertThat(signer(KEY).problem(MODEL, foreign)).startsWith("bad signature");
    }

    @Test
    void rejectsAnAlteredModel() throws Exception {
        ModelSigner signer = signer(KEY);
        byte[] signature = signer.sign(MODEL);
        byte[] altered = MODEL.clone();
        altered[3] ^= 1;

        assertThat(signer.problem(altered, signature)).startsWith("bad signature");
    }

    @Test
    void rejectsAMalformedHeader() throws Exception {
        String problem = signer(KEY).problem(MODEL, "not-hex".getBytes(StandardCharsets.US_ASCII));

        assertThat(problem).startsWith("malformed").contains("64 hex digits");
    }

    @Test
    void refusesAShortKeyWithoutShowingIt() throws Exception {
        Path file = dir.resolve("short");
        Files.writeString(file, "tiny-secret");

        assertThatThrownBy(() -> ModelSigner.fromKeyFile(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 32")
                .hasMessageNotContaining("tiny-secret");
    }

    @Test
    void refusesAMissingKeyFile() {
        assertThatThrownBy(() -> ModelSigner.fromKeyFile(dir.resolve("absent")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be read");
    }

    @Test
    void neverShowsTheKey() throws Exception {
        ModelSigner signer = signer(KEY);

        assertThat(signer.toString()).doesNotContain(KEY).contains("redacted");
        assertThat(signer.problem(MODEL, "00".repeat(32).getBytes(StandardCharsets.US_ASCII)))
                .doesNotContain(KEY);
    }

    @Test
    void retrainingSchemaAddsAHeaderTheScoringSideAccepts() throws Exception {
        ModelSigner signer = signer(KEY);

        ProducerRecord<byte[], byte[]> record =
                new ModelUpdateSerializationSchema("models", signer).serialize(MODEL, null, 5L);

        Header header =
                record.headers().lastHeader(KafkaInputDeserializationSchema.SIGNATURE_HEADER);
        assertThat(header).isNotNull();
        assertThat(signer.problem(record.value(), header.value())).isNull();
    }

    @Test
    void retrainingSchemaWithoutKeySendsNoHeader() {
        ProducerRecord<byte[], byte[]> record =
                new ModelUpdateSerializationSchema("models").serialize(MODEL, null, 5L);

        assertThat(record.headers().lastHeader(KafkaInputDeserializationSchema.SIGNATURE_HEADER))
                .isNull();
    }
}
