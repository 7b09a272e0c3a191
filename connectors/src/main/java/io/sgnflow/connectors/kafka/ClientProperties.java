package io.sgnflow.connectors.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Kafka client settings from a properties file (SASL, SSL and other settings passed through to the
 * consumers, producers and admin client), and a redacted copy for logs.
 *
 * <p>Stateless and thread-safe.
 */
public final class ClientProperties {
    /** {@value}: what {@link #redacted(Properties)} puts in place of a sensitive value. */
    public static final String REDACTED = "******";

    private static final String[] SENSITIVE_WORDS = {
        "password", "secret", "jaas", "token", "credential", "user.info"
    };

    /** Keys containing "key" but naming a class, a file or a type, not key material. */
    private static final String[] NON_SECRET_KEY_SUFFIXES = {
        "serializer", "deserializer", ".class", ".location", ".type", ".algorithm"
    };

    private ClientProperties() {}

    /**
     * Reads a Java properties file of Kafka client settings, as UTF-8.
     *
     * @param path the file
     * @return the settings, a fresh mutable object
     * @throws IllegalArgumentException if the file does not exist or is not a regular file (naming
     *     the path)
     * @throws UncheckedIOException if the file cannot be read (naming the path)
     */
    public static Properties load(Path path) {
        if (path == null || !Files.isRegularFile(path)) {
            throw new IllegalArgumentException(
                    "Kafka client properties file " + path + " does not exist or is not a file");
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read Kafka client properties file " + path + ": " + e.getMessage(), e);
        }
        return properties;
    }

    /**
     * Returns a copy safe to log: values of keys that contain {@code password}, {@code secret},
     * {@code jaas}, {@code token}, {@code credential}, {@code user.info} or {@code key} are
     * replaced by {@value #REDACTED}, matching case-insensitively. Keys with {@code key} that end
     * in {@code serializer}, {@code deserializer}, {@code .class}, {@code .location}, {@code .type}
     * or {@code .algorithm} (class names, keystore paths and types) are kept.
     *
     * @param properties the settings, or null
     * @return a redacted copy (empty for null); the argument is not modified
     */
    public static Properties redacted(Properties properties) {
        Properties copy = new Properties();
        if (properties == null) {
            return copy;
        }
        for (Map.Entry<Object, Object> entry : properties.entrySet()) {
            Object value =
                    isSensitive(String.valueOf(entry.getKey())) ? REDACTED : entry.getValue();
            copy.put(entry.getKey(), value);
        }
        return copy;
    }

    /**
     * Tells whether a property's value is hidden by {@link #redacted(Properties)}.
     *
     * @param key property name
     * @return true when the value must not be logged
     */
    public static boolean isSensitive(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        for (String word : SENSITIVE_WORDS) {
            if (lower.contains(word)) {
                return true;
            }
        }
        if (!lower.contains("key")) {
            return false;
        }
        for (String suffix : NON_SECRET_KEY_SUFFIXES) {
            if (lower.endsWith(suffix)) {
                return false;
            }
        }
        return true;
    }

    /** Returns a mutable copy of {@code properties}, or empty properties for null. */
    static Properties copy(Properties properties) {
        Properties copy = new Properties();
        if (properties != null) {
            copy.putAll(properties);
        }
        return copy;
    }
}
