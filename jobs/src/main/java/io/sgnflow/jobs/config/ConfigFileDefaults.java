package io.sgnflow.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Lets every option of a command come from a properties or YAML file named by {@code --config}:
 * keys are the long option names without the leading dashes ({@code bootstrap-servers}); values on
 * the command line win over the file, and the file wins over built-in defaults. An unknown key in
 * the file is an error naming it, so a typo never silently falls back to a default.
 */
public final class ConfigFileDefaults implements CommandLine.IDefaultValueProvider {
    private final Map<String, String> values;

    private ConfigFileDefaults(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Pre-scans {@code args} for {@code --config FILE} (or {@code --config=FILE}) and installs the
     * file's values as defaults of {@code cli}.
     */
    public static void install(CommandLine cli, String[] args) {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = Path.of(args[i + 1]);
            } else if (args[i].startsWith("--config=")) {
                file = Path.of(args[i].substring("--config=".length()));
            }
        }
        if (file == null) {
            return;
        }
        Map<String, String> values = read(file);
        for (String key : values.keySet()) {
            if (cli.getCommandSpec().findOption("--" + key) == null) {
                throw new IllegalArgumentException(
                        "unknown setting '" + key + "' in " + file + " (no option --" + key + ")");
            }
        }
        cli.setDefaultValueProvider(new ConfigFileDefaults(values));
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (argSpec instanceof OptionSpec option) {
            String name = option.longestName().replaceFirst("^-+", "");
            String value = values.get(name);
            if (value != null) {
                return value;
            }
        }
        return argSpec.defaultValue();
    }

    /** Reads a .properties, .yaml or .yml file into flat string values. */
    public static Map<String, String> read(Path file) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(
                    "config file " + file + " does not exist or is not readable");
        }
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        try (InputStream in = Files.newInputStream(file)) {
            Map<String, String> out = new HashMap<>();
            if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
                if (root == null || !root.isObject()) {
                    throw new IllegalArgumentException(
                            "config file " + file + " is not a YAML mapping");
                }
                Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> f = fields.next();
                    if (f.getValue().isContainerNode()) {
                        throw new IllegalArgumentException(
                                "setting '" + f.getKey() + "' in " + file + " must be a scalar");
                    }
                    out.put(f.getKey(), f.getValue().asText());
                }
            } else {
                Properties p = new Properties();
                p.load(in);
                for (String key : p.stringPropertyNames()) {
                    out.put(key, p.getProperty(key).trim());
                }
            }
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read config file " + file + ": " + e.getMessage(), e);
        }
    }
}
