package io.sgnflow.jobs.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The machine-readable result of a command: one JSON object, keys in insertion order, printed as
 * one line on stdout (the command's last line). Non-finite numbers are written as null.
 */
final class JsonSummary {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ObjectNode root = MAPPER.createObjectNode();

    ObjectNode root() {
        return root;
    }

    JsonSummary put(String key, String value) {
        root.put(key, value);
        return this;
    }

    JsonSummary put(String key, long value) {
        root.put(key, value);
        return this;
    }

    JsonSummary put(String key, boolean value) {
        root.put(key, value);
        return this;
    }

    JsonSummary put(String key, double value) {
        putNumber(root, key, value);
        return this;
    }

    static void putNumber(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) {
            node.put(key, value);
        } else {
            node.putNull(key);
        }
    }

    /** Prints the object as one line on the command's stdout. */
    void print(CommandSpec spec) {
        PrintWriter out = spec.commandLine().getOut();
        try {
            out.println(MAPPER.writeValueAsString(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the JSON summary", e);
        }
        out.flush();
    }
}
