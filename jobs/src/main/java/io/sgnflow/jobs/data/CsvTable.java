package io.sgnflow.jobs.data;

import io.sgnflow.connectors.serde.Numbers;
import io.sgnflow.connectors.serde.Quote;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A comma-separated table with a header row, read whole into memory from a plain or gzip-compressed
 * file (gzip is recognised by its magic bytes, whatever the file name).
 *
 * <p>Parsing follows RFC 4180 (Apache Commons CSV): quoted fields may hold commas and line breaks;
 * blank lines are skipped; a leading byte-order mark is dropped. A record with a broken quote is
 * one bad row (see {@link #rowError}), never the end of the file. Every data row keeps the line of
 * the file where it starts (the header is line 1), so that errors can point at it.
 *
 * <p>The table holds raw text; {@link #numeric} turns chosen columns into finite doubles and
 * reports, per row, why a row cannot be used (wrong field count, empty, non-numeric, NaN or
 * infinite value, bad label) instead of throwing. Immutable after construction.
 */
public final class CsvTable {
    /** Name of the label column used when none is given and the header has it. */
    public static final String DEFAULT_LABEL_COLUMN = "label";

    private static final CSVFormat FORMAT =
            CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).get();

    private final String source;
    private final List<String> header;
    private final Map<String, Integer> columnIndex;
    private final List<String[]> rows;
    private final String[] rowErrors;
    private final int[] lines;

    private CsvTable(
            String source,
            List<String> header,
            List<String[]> rows,
            String[] rowErrors,
            int[] lines) {
        this.source = source;
        this.header = List.copyOf(header);
        this.rows = rows;
        this.rowErrors = rowErrors;
        this.lines = lines;
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            if (index.put(header.get(i), i) != null) {
                throw new IllegalArgumentException(
                        source
                                + ": column name '"
                                + header.get(i)
                                + "' appears more than once in the header");
            }
        }
        this.columnIndex = index;
    }

    /**
     * Reads a CSV file, plain or gzip-compressed.
     *
     * @throws NoSuchFileException if the file does not exist
     * @throws IOException if it cannot be read or its gzip stream is corrupt or truncated
     * @throws IllegalArgumentException if it has no header row, a duplicate column name, or a
     *     {@code .gz} name but no gzip content
     */
    public static CsvTable read(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "file not found");
        }
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException(path + " is a directory, not a CSV file");
        }
        try (InputStream in = open(path);
                Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return parse(reader, path.toString());
        } catch (IOException e) {
            throw new IOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** Parses CSV text held in memory; {@code source} names it in messages. */
    public static CsvTable parse(String text, String source) {
        try {
            return parse(new StringReader(text), source);
        } catch (IOException e) {
            throw new IllegalStateException("reading a string failed", e);
        }
    }

    private static InputStream open(Path path) throws IOException {
        BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        if (gzip) {
            return new GZIPInputStream(raw, 1 << 16);
        }
        if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")) {
            raw.close();
            throw new IllegalArgumentException(
                    path + " has a .gz name but is not gzip-compressed (no gzip magic bytes)");
        }
        return raw;
    }

    /** Most physical lines one record may span (a quoted field with line breaks). */
    static final int MAX_RECORD_LINES = 100;

    /**
     * Reads records line by line, so that one malformed record (a stray or unclosed quote) is a bad
     * row with its own error instead of the end of the file: a record whose quote is still open at
     * the end of a line takes the following lines until it closes, at most {@link
     * #MAX_RECORD_LINES}; if it never does, that first line alone is the bad row and reading goes
     * on with the next line.
     */
    private static CsvTable parse(Reader reader, String source) throws IOException {
        List<String> physical = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(reader, 1 << 16)) {
            String line;
            while ((line = lines.readLine()) != null) {
                physical.add(line);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        List<String> header = null;
        List<String[]> rows = new ArrayList<>();
        List<String> rowErrors = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        int i = 0;
        while (i < physical.size()) {
            String first = physical.get(i);
            if (first.isEmpty()) {
                i++;
                continue;
            }
            int start = i;
            Record record = record(physical, i);
            i += record.lines();
            if (header == null) {
                if (record.error() != null) {
                    throw new IllegalArgumentException(
                            source + ": the header row (line 1) is malformed: " + record.error());
                }
                header = new ArrayList<>(List.of(record.values()));
                if (!header.isEmpty() && header.get(0).startsWith("\uFEFF")) {
                    header.set(0, header.get(0).substring(1));
                }
                checkHeader(source, header);
                continue;
            }
            rows.add(record.values());
            rowErrors.add(record.error());
            lineNumbers.add(start + 1);
        }
        if (header == null) {
            throw new IllegalArgumentException(source + " is empty: expected a header row");
        }
        int[] lineArray = new int[lineNumbers.size()];
        for (int k = 0; k < lineArray.length; k++) {
            lineArray[k] = lineNumbers.get(k);
        }
        return new CsvTable(source, header, rows, rowErrors.toArray(new String[0]), lineArray);
    }

    /** One record: its fields (null when malformed), the error, and the lines it spans. */
    private record Record(String[] values, String error, int lines) {}

    private static Record record(List<String> physical, int at) {
        String line = physical.get(at);
        if (line.indexOf('"') < 0) {
            // No quotes: RFC 4180 fields are the text between commas.
            return new Record(line.split(",", -1), null, 1);
        }
        StringBuilder text = new StringBuilder(line);
        for (int span = 1; ; span++) {
            try (CSVParser parser =
                    CSVParser.builder()
                            .setReader(new StringReader(text.toString()))
                            .setFormat(FORMAT)
                            .get()) {
                List<CSVRecord> records = parser.getRecords();
                if (records.size() == 1) {
                    return new Record(records.get(0).values(), null, span);
                }
                return new Record(null, "malformed CSV row (quotes split it into several)", 1);
            } catch (IOException | UncheckedIOException | IllegalStateException e) {
                String message = e.getMessage() == null ? "" : e.getMessage();
                boolean open = message.contains("EOF reached before encapsulated token finished");
                if (!open && span > 1) {
                    // The first line alone left a quote open, and no continuation fits.
                    return new Record(
                            null, "malformed CSV row: a quote opened here is never closed", 1);
                }
                if (!open) {
                    return new Record(
                            null,
                            "malformed CSV row: a quoted field is followed by other characters"
                                    + " before the next comma",
                            1);
                }
                if (span >= MAX_RECORD_LINES || at + span >= physical.size()) {
                    return new Record(
                            null, "malformed CSV row: a quote opened here is never closed", 1);
                }
                text.append('\n').append(physical.get(at + span));
            }
        }
    }

    /** Where the table came from (a path), for messages. */
    public String source() {
        return source;
    }

    /** Column names in file order. */
    /**
     * A header must name its columns: names are trimmed, none may be empty, and a header whose
     * names all read as numbers is a data row, i.e. the file has no header.
     */
    private static void checkHeader(String source, List<String> header) {
        boolean allNumeric = !header.isEmpty();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).trim();
            header.set(i, name);
            if (name.isEmpty()) {
                throw new IllegalArgumentException(
                        source + ": column " + (i + 1) + " of the header has no name");
            }
            try {
                Double.parseDouble(name);
            } catch (NumberFormatException e) {
                allNumeric = false;
            }
        }
        if (allNumeric) {
            throw new IllegalArgumentException(
                    source
                            + " has no header row: its first line "
                            + header
                            + " is all numbers; add a header naming the columns");
        }
    }

    public List<String> header() {
        return header;
    }

    /** Number of data rows (the header and blank lines not counted). */
    public int rowCount() {
        return rows.size();
    }

    /** Line of the file where data row {@code row} (0-based) starts; the header is line 1. */
    public int line(int row) {
        return lines[row];
    }

    /** Number of fields of a data row (may differ from the header's; 0 when it is malformed). */
    public int fieldCount(int row) {
        String[] values = rows.get(row);
        return values == null ? 0 : values.length;
    }

    /** Why a data row could not be split into fields (a broken quote), or null. */
    public String rowError(int row) {
        return rowErrors[row];
    }

    /** Raw text of a field, or null when the row is malformed or too short to have it. */
    public String value(int row, String column) {
        int col = columnIndex(column);
        String[] values = rows.get(row);
        return values != null && col < values.length ? values[col] : null;
    }

    public boolean hasColumn(String column) {
        return columnIndex.containsKey(column);
    }

    /**
     * @throws IllegalArgumentException naming the column and the header when it is absent
     */
    public int columnIndex(String column) {
        Integer index = columnIndex.get(column);
        if (index == null) {
            throw new IllegalArgumentException(
                    source + " has no column '" + column + "'; its header is " + header);
        }
        return index;
    }

    /**
     * The label column to use: {@code requested} when given (it must exist), else {@value
     * #DEFAULT_LABEL_COLUMN} when the header has it, else none.
     *
     * @throws IllegalArgumentException if {@code requested} is not a column
     */
    public Optional<String> labelColumn(String requested) {
        if (requested != null) {
            columnIndex(requested);
            return Optional.of(requested);
        }
        return hasColumn(DEFAULT_LABEL_COLUMN)
                ? Optional.of(DEFAULT_LABEL_COLUMN)
                : Optional.empty();
    }

    /**
     * The feature columns: every column except the label column (if any) and the excluded ones, in
     * file order.
     *
     * @param labelColumn label column, or null
     * @param excluded columns to leave out; each must exist
     * @throws IllegalArgumentException naming an excluded column that does not exist, or when no
     *     column is left
     */
    public List<String> featureColumns(String labelColumn, Collection<String> excluded) {
        List<String> unknown = missingColumns(excluded);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    "excluded columns " + unknown + " are not in the header of " + source);
        }
        Set<String> skip = new LinkedHashSet<>(excluded);
        if (labelColumn != null) {
            skip.add(labelColumn);
        }
        List<String> features = new ArrayList<>();
        for (String column : header) {
            if (!skip.contains(column)) {
                features.add(column);
            }
        }
        if (features.isEmpty()) {
            throw new IllegalArgumentException(
                    source + " has no feature column left (header " + header + ")");
        }
        return features;
    }

    /** The names among {@code columns} that are not in the header, in the given order. */
    public List<String> missingColumns(Collection<String> columns) {
        List<String> missing = new ArrayList<>();
        for (String column : columns) {
            if (!columnIndex.containsKey(column)) {
                missing.add(column);
            }
        }
        return missing;
    }

    /** Header columns that are neither in {@code used} nor the label column, in file order. */
    public List<String> otherColumns(Collection<String> used, String labelColumn) {
        Set<String> known = new LinkedHashSet<>(used);
        if (labelColumn != null) {
            known.add(labelColumn);
        }
        List<String> other = new ArrayList<>();
        for (String column : header) {
            if (!known.contains(column)) {
                other.add(column);
            }
        }
        return other;
    }

    /**
     * Parses the given columns of every data row as finite doubles.
     *
     * <p>A row is rejected, with a reason naming the column and value, when its field count differs
     * from the header's, or a value is empty, not a number, NaN or infinite, or (when {@code
     * labelColumn} is given) its label is not 0 or 1.
     *
     * @param columns columns to parse, in the order wanted in each row's values
     * @param labelColumn a 0/1 label column, or null for none
     * @throws IllegalArgumentException if a column is not in the header
     */
    public NumericRows numeric(List<String> columns, String labelColumn) {
        int[] indices = new int[columns.size()];
        for (int j = 0; j < indices.length; j++) {
            indices[j] = columnIndex(columns.get(j));
        }
        int labelIndex = labelColumn == null ? -1 : columnIndex(labelColumn);
        int n = rows.size();
        double[][] values = new double[n][];
        boolean[] labels = labelColumn == null ? null : new boolean[n];
        String[] errors = new String[n];
        for (int i = 0; i < n; i++) {
            String[] fields = rows.get(i);
            if (fields == null) {
                errors[i] = rowErrors[i];
                continue;
            }
            if (fields.length != header.size()) {
                errors[i] =
                        "row has "
                                + fields.length
                                + (fields.length == 1 ? " field" : " fields")
                                + ", header has "
                                + header.size();
                continue;
            }
            double[] row = new double[indices.length];
            String error = null;
            for (int j = 0; j < indices.length && error == null; j++) {
                String text = fields[indices[j]];
                error = parseError(columns.get(j), text);
                if (error == null) {
                    row[j] = Numbers.parseDecimal(text.strip());
                }
            }
            if (error == null && labelIndex >= 0) {
                String text = fields[labelIndex];
                Boolean label = parseLabel(text);
                if (label == null) {
                    error =
                            "column '"
                                    + labelColumn
                                    + "': '"
                                    + Quote.abbreviate(text)
                                    + "' is not a label (expected 0 or 1)";
                } else {
                    labels[i] = label;
                }
            }
            if (error == null) {
                values[i] = row;
            } else {
                errors[i] = error;
            }
        }
        return new NumericRows(columns, labelColumn, lines.clone(), values, labels, errors);
    }

    /** Null when {@code text} is a finite number, else why not. */
    private static String parseError(String column, String text) {
        if (text.isBlank()) {
            return "column '" + column + "': empty value";
        }
        double value;
        try {
            value = Numbers.parseDecimal(text.strip());
        } catch (NumberFormatException e) {
            return "column '" + column + "': '" + Quote.abbreviate(text) + "' is not a number";
        }
        if (!Double.isFinite(value)) {
            String shown = Quote.abbreviate(text.strip());
            boolean overflow = !Double.isNaN(value) && shown.chars().anyMatch(Character::isDigit);
            return "column '"
                    + column
                    + "': '"
                    + shown
                    + (overflow ? "' overflows a double" : "' is not finite");
        }
        return null;
    }

    private static Boolean parseLabel(String text) {
        String trimmed = text.strip();
        try {
            double value = Numbers.parseDecimal(trimmed);
            if (value == 0) {
                return false;
            }
            if (value == 1) {
                return true;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        return null;
    }
}
