package io.sgnflow.connectors.serde;

/**
 * Quoting of untrusted names and values inside messages (dead letters, rejected CSV rows): cut to
 * {@value #MAX_CHARS} characters, so a 50 MB cell never makes a 50 MB message. Stateless.
 */
public final class Quote {
    /** Longest name or value, in chars, copied into a message before it is cut with "...". */
    static final int MAX_CHARS = 64;

    private Quote() {}

    /** Returns {@code 'name'}, escaped and cut to {@value #MAX_CHARS} chars. */
    static String name(String name) {
        return '\'' + escape(name, '\'') + '\'';
    }

    /** Returns {@code "value"}, escaped and cut to {@value #MAX_CHARS} chars. */
    static String string(String value) {
        return '"' + escape(value, '"') + '"';
    }

    /** Returns {@code text} cut to {@value #MAX_CHARS} chars, without quotes or escaping. */
    public static String abbreviate(String text) {
        return text.length() <= MAX_CHARS ? text : text.substring(0, cutAt(text)) + "...";
    }

    /**
     * Where to cut {@code text} to at most {@value #MAX_CHARS} chars: never between the two halves
     * of a surrogate pair, whose lone half strict JSON readers refuse.
     */
    private static int cutAt(String text) {
        if (text.length() <= MAX_CHARS) {
            return text.length();
        }
        return Character.isHighSurrogate(text.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
    }

    private static String escape(String text, char quote) {
        int length = cutAt(text);
        StringBuilder escaped = new StringBuilder(length + 8);
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == quote || c == '\\') {
                escaped.append('\\').append(c);
            } else if (c == '\n') {
                escaped.append("\\n");
            } else if (c == '\r') {
                escaped.append("\\r");
            } else if (c == '\t') {
                escaped.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                escaped.append(String.format("\\u%04x", (int) c));
            } else {
                escaped.append(c);
            }
        }
        if (text.length() > MAX_CHARS) {
            escaped.append("...");
        }
        return escaped.toString();
    }
}
