package io.sgnflow.jobs.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writing CSV files with a header; gzip-compressed when the name ends in {@code .gz}. A null value
 * is written as an empty, unquoted field.
 */
public final class CsvOutput {
    private static final CSVFormat FORMAT =
            CSVFormat.DEFAULT.builder().setRecordSeparator('\n').setNullString("").get();

    private CsvOutput() {}

    /**
     * Creates (or replaces) a CSV file and writes its header. The caller closes the printer.
     *
     * @param path the file; written gzip-compressed when its name ends in {@code .gz}
     * @param header column names
     */
    public static CSVPrinter create(Path path, List<String> header) throws IOException {
        OutputStream out = Files.newOutputStream(path);
        if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")) {
            out = new GZIPOutputStream(out, 1 << 16);
        }
        BufferedWriter writer =
                new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        CSVPrinter printer = new CSVPrinter(writer, FORMAT);
        printer.printRecord(header);
        return printer;
    }
}
