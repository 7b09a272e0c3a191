package io.sgnflow.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientPropertiesTest {
    @Test
    void redactsSecretsButKeepsClassNamesAndPlainSettings() {
        Properties properties = new Properties();
        properties.setProperty("security.protocol", "SASL_SSL");
        properties.setProperty(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"p\";");
        properties.setProperty("ssl.truststore.password", "changeit");
        properties.setProperty("ssl.key.password", "k");
        properties.setProperty("ssl.keystore.key", "-----BEGIN PRIVATE KEY-----");
        properties.setProperty("sasl.client.callback.secret", "s");
        properties.setProperty("sasl.oauthbearer.token.endpoint.url", "https://idp/token");
        properties.setProperty("api.KEY", "abc");
        properties.setProperty(
                "key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        properties.setProperty(
                "value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        properties.setProperty("ssl.keystore.location", "/etc/kafka/keystore.jks");

        Properties redacted = ClientProperties.redacted(properties);

        assertThat(redacted.getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(redacted.getProperty("sasl.jaas.config")).isEqualTo("******");
        assertThat(redacted.getProperty("ssl.truststore.password")).isEqualTo("******");
        assertThat(redacted.getProperty("ssl.key.password")).isEqualTo("******");
        assertThat(redacted.getProperty("ssl.keystore.key")).isEqualTo("******");
        assertThat(redacted.getProperty("sasl.client.callback.secret")).isEqualTo("******");
        assertThat(redacted.getProperty("sasl.oauthbearer.token.endpoint.url")).isEqualTo("******");
        assertThat(redacted.getProperty("api.KEY")).isEqualTo("******");
        assertThat(redacted.getProperty("key.serializer")).endsWith("ByteArraySerializer");
        assertThat(redacted.getProperty("value.deserializer")).endsWith("StringDeserializer");
        assertThat(redacted.getProperty("ssl.keystore.location"))
                .isEqualTo("/etc/kafka/keystore.jks");
        assertThat(properties.getProperty("sasl.jaas.config")).contains("password");
    }

    @Test
    void redactsNullAsEmpty() {
        assertThat(ClientProperties.redacted(null)).isEmpty();
    }

    @Test
    void loadsPropertiesFile(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("client.properties");
        Files.writeString(
                file,
                "# comment\nsecurity.protocol=SASL_SSL\nsasl.mechanism = PLAIN\n",
                StandardCharsets.UTF_8);

        Properties properties = ClientProperties.load(file);

        assertThat(properties).hasSize(2);
        assertThat(properties.getProperty("sasl.mechanism")).isEqualTo("PLAIN");
    }

    @Test
    void rejectsMissingFileNamingIt(@TempDir Path directory) {
        Path missing = directory.resolve("absent.properties");

        assertThatThrownBy(() -> ClientProperties.load(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString());
    }
}
