package io.sgnflow.model.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sgnflow.model.DensityModel;
import io.sgnflow.model.ScoreKind;
import io.sgnflow.model.SgnFlowModel;
import io.sgnflow.model.TrainingSummary;
import io.sgnflow.model.core.Activation;
import io.sgnflow.model.core.AnomalyThreshold;
import io.sgnflow.model.core.FlowArchitecture;
import io.sgnflow.model.core.Standardizer;
import io.sgnflow.model.vae.SgnVaeModel;
import io.sgnflow.model.vae.VaeArchitecture;
import io.sgnflow.model.vae.VaeScoring;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SGN model file: UTF-8 JSON, self-describing and versioned.
 *
 * <p>Top level: {@code format} ("sgn-model"), {@code formatVersion}, {@code body} (model type,
 * version, creation time, feature names, architecture, preprocessing, parameters in float64,
 * threshold and validation sample, training summary) and {@code sha256}, the SHA-256 of the body
 * written compactly exactly as it appears in the file. Doubles are written in the shortest form
 * that reads back to the same value, so save → load → save gives identical bytes. No Java
 * serialization is involved.
 *
 * <p>Loading rejects, with a message naming the problem, anything that is not valid JSON (a
 * truncated file included), an unknown format or format version, a checksum mismatch, a missing
 * field, non-finite parameters, and parameters that break the stability constraints.
 *
 * <p>Thread-safe.
 */
public final class ModelFile {
    public static final String FORMAT = "sgn-model";

    /** Newest format version this build reads and writes. */
    public static final int FORMAT_VERSION = 2;

    /**
     * Format version of SGN-Flow files. Version 2 only added the {@code sgn-vae} model type, so
     * flow files stay at version 1 and builds that predate SGN-VAE keep reading them; a VAE file is
     * version 2, which such builds refuse by name.
     */
    public static final int FLOW_FORMAT_VERSION = 1;

    public static final String TYPE_FLOW = SgnFlowModel.TYPE;
    public static final String TYPE_VAE = SgnVaeModel.TYPE;

    private static final Logger LOG = LoggerFactory.getLogger(ModelFile.class);
    private static final ObjectMapper MAPPER =
            new ObjectMapper()
                    .disable(SerializationFeature.INDENT_OUTPUT)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ModelFile() {}

    /** The file's bytes for a model of either kind. */
    public static byte[] toBytes(DensityModel model) {
        ObjectNode body;
        int formatVersion;
        if (model instanceof SgnFlowModel flow) {
            body = flowBody(flow);
            formatVersion = FLOW_FORMAT_VERSION;
        } else if (model instanceof SgnVaeModel vae) {
            body = vaeBody(vae);
            formatVersion = FORMAT_VERSION;
        } else {
            throw new IllegalArgumentException(
                    "no file format for model type " + model.getClass().getName());
        }
        try {
            String bodyJson = MAPPER.writeValueAsString(body);
            String sha = sha256(bodyJson.getBytes(StandardCharsets.UTF_8));
            // Written by hand around the body so that the checksummed text is exactly the
            // text in the file.
            String file =
                    "{\"format\":\""
                            + FORMAT
                            + "\",\"formatVersion\":"
                            + formatVersion
                            + ",\"sha256\":\""
                            + sha
                            + "\",\"body\":"
                            + bodyJson
                            + "}\n";
            return file.getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not serialise model", e);
        }
    }

    /**
     * Writes atomically: a temporary file in the same directory, then a rename. A symbolic link is
     * followed (its target is replaced, not the link); the file is readable by all (rw-r--r--).
     */
    public static void write(DensityModel model, Path path) throws IOException {
        Path absolute = path.toAbsolutePath();
        if (Files.isSymbolicLink(absolute)) {
            Path target = Files.readSymbolicLink(absolute);
            absolute = absolute.resolveSibling(target).normalize();
        }
        Path dir = absolute.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, absolute.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, toBytes(model));
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: its default permissions stay.
            }
            try {
                Files.move(
                        tmp,
                        absolute,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads a model file of either kind.
     *
     * @throws IOException if the file cannot be read
     * @throws InvalidModelFileException if its content is not a valid model, with the reason
     */
    public static DensityModel load(Path path) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        DensityModel model = load(bytes);
        LOG.info(
                "Loaded {} model {} version {} (D={}, score {}, sha256={})",
                model.modelType(),
                path,
                model.version(),
                model.dim(),
                model.scoreKind().id(),
                sha256(bytes).substring(0, 12));
        return model;
    }

    /**
     * Reads an SGN-Flow model file, for what only a flow can do (the numerical contracts of the
     * exact likelihood, for instance).
     *
     * @throws IOException if the file cannot be read
     * @throws InvalidModelFileException if its content is not a valid model, or holds another model
     *     type
     */
    public static SgnFlowModel read(Path path) throws IOException {
        return flowOnly(load(path));
    }

    /**
     * Parses an SGN-Flow model from the bytes of a model file.
     *
     * @throws InvalidModelFileException with the reason when the bytes are not a valid flow model
     */
    public static SgnFlowModel fromBytes(byte[] bytes) {
        return flowOnly(load(bytes));
    }

    private static SgnFlowModel flowOnly(DensityModel model) {
        if (model instanceof SgnFlowModel flow) {
            return flow;
        }
        throw new InvalidModelFileException(
                "the file holds an "
                        + model.modelType()
                        + " model; this needs an "
                        + TYPE_FLOW
                        + " model");
    }

    /**
     * Parses a model of either kind from the bytes of a model file.
     *
     * @throws InvalidModelFileException with the reason when the bytes are not a valid model
     */
    public static DensityModel load(byte[] bytes) {
        if (bytes.length == 0) {
            throw new InvalidModelFileException("model file is empty");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidModelFileException(
                    "model file is not valid JSON (truncated or corrupt?): "
                            // Jackson hides the source as "[Source: REDACTED (...); line..."
                            // in nested locations; that note means nothing to a user.
                            + e.getOriginalMessage().replaceAll("\\[Source: [^;]*; ", "[")
                            + " at line "
                            + e.getLocation().getLineNr()
                            + " column "
                            + e.getLocation().getColumnNr());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidModelFileException("model file is not a JSON object");
        }
        String format = root.path("format").asText(null);
        if (!FORMAT.equals(format)) {
            throw new InvalidModelFileException(
                    "unknown model file format '" + format + "', expected '" + FORMAT + "'");
        }
        JsonNode formatVersionNode = root.path("formatVersion");
        int formatVersion = formatVersionNode.isInt() ? formatVersionNode.asInt() : -1;
        if (formatVersion < FLOW_FORMAT_VERSION || formatVersion > FORMAT_VERSION) {
            throw new InvalidModelFileException(
                    "unsupported model file format version "
                            + root.path("formatVersion")
                            + "; this build reads versions "
                            + FLOW_FORMAT_VERSION
                            + " to "
                            + FORMAT_VERSION);
        }
        JsonNode body = root.get("body");
        if (body == null || !body.isObject()) {
            throw new InvalidModelFileException("model file has no 'body' object");
        }
        String expected = root.path("sha256").asText("");
        String actual;
        try {
            actual = sha256(MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new InvalidModelFileException("cannot re-serialise body: " + e.getMessage());
        }
        if (!actual.equals(expected)) {
            throw new InvalidModelFileException(
                    "model file checksum mismatch: file says sha256 "
                            + expected
                            + ", body hashes to "
                            + actual);
        }
        try {
            return parseBody(body, formatVersion);
        } catch (IllegalArgumentException e) {
            throw new InvalidModelFileException("invalid model: " + e.getMessage());
        }
    }

    /** SHA-256 of bytes, lower-case hex. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static ObjectNode flowBody(SgnFlowModel model) {
        ObjectNode body = header(model);
        FlowArchitecture arch = model.architecture();
        ObjectNode a = body.putObject("architecture");
        a.put("dim", arch.dim());
        a.put("half", arch.half());
        a.put("casimirDim", arch.casimirDim());
        putCore(a, arch);
        a.put("parameterCount", arch.parameterCount());
        ArrayNode perm = a.putArray("permutation");
        for (int p : model.permutation()) {
            perm.add(p);
        }
        putCommon(body, model, model.parameters());
        return body;
    }

    private static ObjectNode vaeBody(SgnVaeModel model) {
        ObjectNode body = header(model);
        VaeArchitecture arch = model.architecture();
        ObjectNode a = body.putObject("architecture");
        a.put("dim", arch.dim());
        a.put("latentDim", arch.latentDim());
        putInts(a, "encoderWidths", arch.encoder().hiddenWidths());
        putInts(a, "decoderWidths", arch.decoder().hiddenWidths());
        putCore(a.putObject("core"), arch.core());
        a.put("parameterCount", arch.parameterCount());
        VaeScoring scoring = model.scoring();
        ObjectNode sc = body.putObject("scoring");
        sc.put("kind", scoring.kind().id());
        sc.put("samples", scoring.samples());
        sc.put("noiseSeed", scoring.noiseSeed());
        putCommon(body, model, model.parameters());
        return body;
    }

    private static ObjectNode header(DensityModel model) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("modelType", model.modelType());
        body.put("version", model.version());
        body.put("createdAt", model.createdAt());
        ArrayNode names = body.putArray("features");
        model.featureNames().forEach(names::add);
        return body;
    }

    /** The Hamiltonian core's shape: hidden widths, activation, K and the stability bounds. */
    private static void putCore(ObjectNode a, FlowArchitecture arch) {
        putInts(a, "hiddenWidths", arch.hiddenWidths());
        a.put("activation", arch.activation().id());
        a.put("steps", arch.steps());
        a.put("outputNormBound", arch.outputNormBound());
        a.put("spectralBound", arch.spectralBound());
        a.put("stepSizeMax", arch.stepSizeMax());
    }

    /** Preprocessing, parameters, threshold and training summary, in that order. */
    private static void putCommon(ObjectNode body, DensityModel model, double[] params) {
        Standardizer st = model.standardizer();
        ObjectNode pre = body.putObject("preprocessing");
        putArray(pre, "mean", st.mean());
        putArray(pre, "scale", st.scale());
        ArrayNode constant = pre.putArray("constantFeatures");
        for (int i = 0; i < st.dim(); i++) {
            if (st.isConstant(i)) {
                constant.add(i);
            }
        }

        putArray(body, "parameters", params);

        AnomalyThreshold th = model.threshold();
        ObjectNode t = body.putObject("threshold");
        t.put("alpha", th.alpha());
        t.put("logLikelihood", th.threshold());
        putArray(t, "validationLogLikelihoods", th.sortedSample());

        TrainingSummary tr = model.training();
        if (tr != null) {
            ObjectNode s = body.putObject("training");
            s.put("rows", tr.rows());
            s.put("duplicatesRemoved", tr.duplicatesRemoved());
            s.put("trainRows", tr.trainRows());
            s.put("validationRows", tr.validationRows());
            s.put("epochs", tr.epochs());
            s.put("bestEpoch", tr.bestEpoch());
            putNumber(s, "trainLogLikelihoodPerDim", tr.trainLogLikelihoodPerDim());
            putNumber(s, "validationLogLikelihoodPerDim", tr.validationLogLikelihoodPerDim());
            s.put("seconds", tr.seconds());
            s.put("seed", tr.seed());
            s.put("stopReason", tr.stopReason());
            ArrayNode history = s.putArray("history");
            for (TrainingSummary.Epoch e : tr.history()) {
                ObjectNode row = history.addObject();
                row.put("epoch", e.epoch());
                putNumber(row, "trainLogLikelihoodPerDim", e.trainLogLikelihoodPerDim());
                putNumber(row, "validationLogLikelihoodPerDim", e.validationLogLikelihoodPerDim());
            }
        }
    }

    private static DensityModel parseBody(JsonNode body, int formatVersion) {
        String type = text(body, "modelType");
        if (TYPE_FLOW.equals(type)) {
            return parseFlow(body);
        }
        if (TYPE_VAE.equals(type) && formatVersion >= 2) {
            return parseVae(body);
        }
        throw new IllegalArgumentException(
                "model type '"
                        + type
                        + "' is not supported in format version "
                        + formatVersion
                        + " (this build reads "
                        + TYPE_FLOW
                        + " from version 1 and "
                        + TYPE_VAE
                        + " from version 2)");
    }

    private static SgnFlowModel parseFlow(JsonNode body) {
        JsonNode a = required(body, "architecture");
        FlowArchitecture arch = parseCore(a, intField(a, "dim"));
        agrees(a, "half", arch.half());
        agrees(a, "casimirDim", arch.casimirDim());
        agrees(a, "parameterCount", arch.parameterCount());
        agreesDouble(a, "stepSizeMax", arch.stepSizeMax());
        return new SgnFlowModel(
                integer(body, "version"),
                text(body, "createdAt"),
                featureNames(body),
                arch,
                ints(a, "permutation"),
                doubles(required(body, "parameters"), "parameters"),
                standardizer(body),
                threshold(body),
                training(body));
    }

    private static SgnVaeModel parseVae(JsonNode body) {
        JsonNode a = required(body, "architecture");
        int latent = intField(a, "latentDim");
        FlowArchitecture core = parseCore(required(a, "core"), latent);
        agreesDouble(required(a, "core"), "stepSizeMax", core.stepSizeMax());
        VaeArchitecture arch =
                new VaeArchitecture(
                        intField(a, "dim"),
                        latent,
                        ints(a, "encoderWidths"),
                        ints(a, "decoderWidths"),
                        core.activation(),
                        core);
        agrees(a, "parameterCount", arch.parameterCount());
        JsonNode sc = required(body, "scoring");
        VaeScoring scoring =
                new VaeScoring(
                        ScoreKind.parse(text(sc, "kind")),
                        intField(sc, "samples"),
                        integer(sc, "noiseSeed"));
        return new SgnVaeModel(
                integer(body, "version"),
                text(body, "createdAt"),
                featureNames(body),
                arch,
                doubles(required(body, "parameters"), "parameters"),
                standardizer(body),
                scoring,
                threshold(body),
                training(body));
    }

    private static FlowArchitecture parseCore(JsonNode a, int dim) {
        return new FlowArchitecture(
                dim,
                ints(a, "hiddenWidths"),
                Activation.parse(text(a, "activation")),
                intField(a, "steps"),
                real(a, "outputNormBound"),
                real(a, "spectralBound"));
    }

    private static List<String> featureNames(JsonNode body) {
        List<String> names = new ArrayList<>();
        JsonNode features = required(body, "features");
        if (!features.isArray()) {
            throw new IllegalArgumentException(
                    "field 'features' is " + features + ", not an array");
        }
        for (JsonNode n : features) {
            if (!n.isTextual() || n.asText().isBlank()) {
                throw new IllegalArgumentException(
                        "feature name " + n + " is not a non-empty string");
            }
            names.add(n.asText());
        }
        return names;
    }

    private static Standardizer standardizer(JsonNode body) {
        JsonNode pre = required(body, "preprocessing");
        double[] mean = doubles(required(pre, "mean"), "preprocessing.mean");
        double[] scale = doubles(required(pre, "scale"), "preprocessing.scale");
        boolean[] constant = new boolean[mean.length];
        for (JsonNode c : required(pre, "constantFeatures")) {
            int idx = c.isIntegralNumber() && c.canConvertToInt() ? c.asInt() : -1;
            if (idx < 0 || idx >= constant.length) {
                throw new IllegalArgumentException("constant feature index " + c + " out of range");
            }
            constant[idx] = true;
        }
        return new Standardizer(mean, scale, constant);
    }

    private static AnomalyThreshold threshold(JsonNode body) {
        JsonNode t = required(body, "threshold");
        double tau = real(t, "logLikelihood");
        double[] sample = doubles(required(t, "validationLogLikelihoods"), "threshold sample");
        // τ is a quantile of the validation scores, whose extremes the sample keeps.
        if (sample.length > 0 && (tau < sample[0] || tau > sample[sample.length - 1])) {
            throw new IllegalArgumentException(
                    "threshold "
                            + tau
                            + " lies outside its validation sample ["
                            + sample[0]
                            + ", "
                            + sample[sample.length - 1]
                            + "]");
        }
        return new AnomalyThreshold(real(t, "alpha"), tau, sample);
    }

    /** A field that must be an integral JSON number. */
    private static long integer(JsonNode node, String field) {
        JsonNode v = required(node, field);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException(
                    "field '" + field + "' is " + v + ", not a 64-bit integer");
        }
        return v.asLong();
    }

    /** A field that must be an integral JSON number within int range. */
    private static int intField(JsonNode node, String field) {
        JsonNode v = required(node, field);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException(
                    "field '" + field + "' is " + v + ", not a 32-bit integer");
        }
        return v.asInt();
    }

    /** A field that must be a finite JSON number. */
    private static double real(JsonNode node, String field) {
        JsonNode v = required(node, field);
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw new IllegalArgumentException(
                    "field '" + field + "' is " + v + ", not a finite number");
        }
        return v.asDouble();
    }

    /** A stored derived figure must equal what the architecture gives. */
    private static void agrees(JsonNode node, String field, long expected) {
        long stored = integer(node, field);
        if (stored != expected) {
            throw new IllegalArgumentException(
                    "field '"
                            + field
                            + "' is "
                            + stored
                            + " but the architecture gives "
                            + expected);
        }
    }

    private static void agreesDouble(JsonNode node, String field, double expected) {
        double stored = real(node, field);
        if (Math.abs(stored - expected) > 1e-12 * Math.max(1, Math.abs(expected))) {
            throw new IllegalArgumentException(
                    "field '"
                            + field
                            + "' is "
                            + stored
                            + " but the architecture gives "
                            + expected);
        }
    }

    private static TrainingSummary training(JsonNode body) {
        JsonNode s = body.get("training");
        if (s == null || !s.isObject()) {
            return null;
        }
        List<TrainingSummary.Epoch> history = new ArrayList<>();
        for (JsonNode e : s.path("history")) {
            history.add(
                    new TrainingSummary.Epoch(
                            e.path("epoch").asInt(),
                            number(e, "trainLogLikelihoodPerDim"),
                            number(e, "validationLogLikelihoodPerDim")));
        }
        return new TrainingSummary(
                s.path("rows").asInt(),
                s.path("duplicatesRemoved").asInt(),
                s.path("trainRows").asInt(),
                s.path("validationRows").asInt(),
                s.path("epochs").asInt(),
                s.path("bestEpoch").asInt(),
                number(s, "trainLogLikelihoodPerDim"),
                number(s, "validationLogLikelihoodPerDim"),
                s.path("seconds").asDouble(),
                s.path("seed").asLong(),
                s.path("stopReason").asText(),
                history);
    }

    private static void putInts(ObjectNode node, String field, int[] values) {
        ArrayNode array = node.putArray(field);
        for (int v : values) {
            array.add(v);
        }
    }

    private static void putArray(ObjectNode node, String field, double[] values) {
        ArrayNode array = node.putArray(field);
        for (double v : values) {
            array.add(v);
        }
    }

    /** NaN (e.g. the training likelihood of epoch 0) is stored as null. */
    private static void putNumber(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field);
        }
    }

    private static double number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? Double.NaN : v.asDouble();
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return v;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = required(node, field);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' is " + v + ", not a string");
        }
        return v.asText();
    }

    /** An array field of 32-bit integers. */
    private static int[] ints(JsonNode node, String field) {
        JsonNode array = required(node, field);
        if (!array.isArray()) {
            throw new IllegalArgumentException(
                    "field '" + field + "' is " + array + ", not an array");
        }
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = array.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new IllegalArgumentException(
                        field + "[" + i + "] is " + v + ", not a 32-bit integer");
            }
            out[i] = v.asInt();
        }
        return out;
    }

    private static double[] doubles(JsonNode array, String what) {
        if (!array.isArray()) {
            throw new IllegalArgumentException(what + " is not an array");
        }
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = array.get(i);
            if (!v.isNumber()) {
                throw new IllegalArgumentException(
                        what + "[" + i + "] is " + v + ", not a finite number");
            }
            out[i] = v.asDouble();
        }
        return out;
    }
}
