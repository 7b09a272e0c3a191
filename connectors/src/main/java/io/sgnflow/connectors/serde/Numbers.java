package io.sgnflow.connectors.serde;

/**
 * Strict parsing of decimal numbers in text formats (CSV files and CSV events). {@link
 * Double#parseDouble} also accepts hex floats ({@code 0x1p-1}) and a trailing type suffix ({@code
 * 0.5d}, {@code 0.5f}), which in data are typos rather than numbers. Stateless and thread-safe.
 */
public final class Numbers {
    private Numbers() {}

    /**
     * Parses a decimal number: optional sign, digits with an optional decimal point (at least one
     * digit), optional exponent; or {@code NaN}, {@code Infinity}, {@code +Infinity}, {@code
     * -Infinity}, which parse to the non-finite values for the caller to reject by name. Numbers
     * beyond the double range parse to ±Infinity, as in {@link Double#parseDouble}.
     *
     * @param text the number, already trimmed
     * @throws NumberFormatException if it is not such a number
     */
    public static double parseDecimal(String text) {
        if (!isDecimal(text)
                && !text.equals("NaN")
                && !text.equals("Infinity")
                && !text.equals("+Infinity")
                && !text.equals("-Infinity")) {
            throw new NumberFormatException("not a decimal number: \"" + text + "\"");
        }
        return Double.parseDouble(text);
    }

    /** True for [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?. */
    static boolean isDecimal(String s) {
        int n = s.length();
        int i = 0;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exponent = 0;
            while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
                i++;
                exponent++;
            }
            if (exponent == 0) {
                return false;
            }
        }
        return i == n;
    }
}
