package io.sgnflow.jobs.security;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies model files with HMAC-SHA256 under a shared secret key, so that the scoring
 * job serves only models published by a holder of the key (the retraining job).
 *
 * <p>Wire format: the Kafka record header {@code sgn-hmac-sha256} holds the 64 lower-case hex
 * digits of {@code HMAC-SHA256(key, value)}, where value is the record value, the model file's
 * bytes unchanged. The key is the content of the key file with surrounding whitespace removed (at
 * least {@value #MIN_KEY_BYTES} bytes), so {@code openssl rand -hex 32 > key} makes one and {@code
 * openssl dgst -sha256 -hmac "$(cat key)" model.sgn.json} computes the same signature.
 *
 * <p>Verification compares in constant time ({@link MessageDigest#isEqual}). The key never appears
 * in {@link #toString()} or in any message. Thread-safe (a {@link Mac} is created per call).
 */
public final class ModelSigner implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Shortest accepted key, in bytes: the HMAC-SHA256 block-size guidance of RFC 2104. */
    public static final int MIN_KEY_BYTES = 32;

    private static final String ALGORITHM = "HmacSHA256";
    private static final int SIGNATURE_HEX_DIGITS = 64;

    private final byte[] key;

    private ModelSigner(byte[] key) {
        this.key = key;
    }

    /**
     * Reads the key from a file.
     *
     * @throws IllegalArgumentException if the file cannot be read or holds fewer than {@value
     *     #MIN_KEY_BYTES} bytes after trimming whitespace (the message never contains key bytes)
     */
    public static ModelSigner fromKeyFile(Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "model signing key file " + file + " cannot be read: " + e.getClass().getName(),
                    e);
        }
        byte[] key = trim(raw);
        Arrays.fill(raw, (byte) 0);
        if (key.length < MIN_KEY_BYTES) {
            int found = key.length;
            Arrays.fill(key, (byte) 0);
            throw new IllegalArgumentException(
                    "model signing key file "
                            + file
                            + " holds "
                            + found
                            + " bytes, at least "
                            + MIN_KEY_BYTES
                            + " expected (e.g. `openssl rand -hex 32`)");
        }
        return new ModelSigner(key);
    }

    /**
     * Creates {@code file} (which must not exist) holding a new random key of {@value
     * #MIN_KEY_BYTES} bytes as hex, readable by this user only, as {@code openssl rand -hex 32}
     * would: for runs that make their own key (the demo, benchmarks).
     *
     * @return the file
     */
    public static Path writeNewKeyFile(Path file) throws IOException {
        Files.createFile(
                file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        byte[] key = new byte[MIN_KEY_BYTES];
        new SecureRandom().nextBytes(key);
        Files.writeString(file, HexFormat.of().formatHex(key), StandardCharsets.US_ASCII);
        Arrays.fill(key, (byte) 0);
        return file;
    }

    /**
     * A signer with the given key bytes (copied).
     *
     * @throws IllegalArgumentException if the key is shorter than {@value #MIN_KEY_BYTES} bytes
     */
    public static ModelSigner ofKey(byte[] key) {
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException(
                    "model signing key must hold at least " + MIN_KEY_BYTES + " bytes");
        }
        return new ModelSigner(key.clone());
    }

    /** The signature of a model file: 64 lower-case hex digits, as ASCII bytes. */
    public byte[] sign(byte[] modelBytes) {
        return HexFormat.of().formatHex(mac(modelBytes)).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Checks a signature header against the model bytes.
     *
     * @param modelBytes the record value
     * @param signatureHeader the header value as received, or null when the record had none
     * @return null when the signature is valid, else the reason it is not (no key material in it)
     */
    public String problem(byte[] modelBytes, byte[] signatureHeader) {
        if (signatureHeader == null) {
            return "unsigned: no sgn-hmac-sha256 header";
        }
        String hex = new String(signatureHeader, StandardCharsets.US_ASCII).trim();
        byte[] claimed;
        try {
            if (hex.length() != SIGNATURE_HEX_DIGITS) {
                throw new IllegalArgumentException("length");
            }
            claimed = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            return "malformed sgn-hmac-sha256 header: expected "
                    + SIGNATURE_HEX_DIGITS
                    + " hex digits, found "
                    + signatureHeader.length
                    + " bytes";
        }
        byte[] expected = mac(modelBytes == null ? new byte[0] : modelBytes);
        if (!MessageDigest.isEqual(expected, claimed)) {
            return "bad signature: HMAC-SHA256 over the model file does not match (wrong key or"
                    + " altered file)";
        }
        return null;
    }

    private byte[] mac(byte[] bytes) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac.doFinal(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable in this JVM", e);
        }
    }

    private static byte[] trim(byte[] raw) {
        int start = 0;
        int end = raw.length;
        while (start < end && Character.isWhitespace(raw[start])) {
            start++;
        }
        while (end > start && Character.isWhitespace(raw[end - 1])) {
            end--;
        }
        return Arrays.copyOfRange(raw, start, end);
    }

    @Override
    public String toString() {
        return "ModelSigner{HMAC-SHA256, key=<redacted>}";
    }
}
