package io.sgnflow.jobs.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTableTest {
    @TempDir Path dir;

    @Test
    void rejectsAFileWhoseFirstLineIsAllNumbers() throws Exception {
        Path file = Files.writeString(dir.resolve("t.csv"), "1.5,2,0\n3,4,1\n");

        assertThatThrownBy(() -> CsvTable.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no header row")
                .hasMessageContaining("1.5");
    }

    @Test
    void trimsHeaderNamesAndRejectsAnEmptyOne() throws Exception {
        Path spaced = Files.writeString(dir.resolve("s.csv"), "a, b ,c\n1,2,3\n");
        Path blank = Files.writeString(dir.resolve("b.csv"), "a,,c\n1,2,3\n");

        assertThat(CsvTable.read(spaced).header()).containsExactly("a", "b", "c");
        assertThatThrownBy(() -> CsvTable.read(blank))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("column 2 of the header has no name");
    }

    @Test
    void readsHeaderAndRowsOfAPlainFile() throws Exception {
        Path file = Files.writeString(dir.resolve("t.csv"), "a,b,label\n1,2,0\n3,4.5e-1,1\n");

        CsvTable table = CsvTable.read(file);

        assertThat(table.header()).containsExactly("a", "b", "label");
        assertThat(table.rowCount()).isEqualTo(2);
        assertThat(table.value(1, "b")).isEqualTo("4.5e-1");
        assertThat(table.line(0)).isEqualTo(2);
        assertThat(table.line(1)).isEqualTo(3);
    }

    @Test
    void recognisesGzipByItsMagicBytesWhateverTheName() throws Exception {
        Path file = dir.resolve("plain-name.csv");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write("x,y\n1,2\n".getBytes(StandardCharsets.UTF_8));
        }

        CsvTable table = CsvTable.read(file);

        assertThat(table.header()).containsExactly("x", "y");
        assertThat(table.rowCount()).isEqualTo(1);
    }

    @Test
    void rejectsAGzNameWithoutGzipContent() throws Exception {
        Path file = Files.writeString(dir.resolve("t.csv.gz"), "x,y\n1,2\n");

        assertThatThrownBy(() -> CsvTable.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not gzip-compressed")
                .hasMessageContaining(file.toString());
    }

    @Test
    void reportsATruncatedGzipFileAsAnIoErrorNamingIt() throws Exception {
        Path full = dir.resolve("full.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(full))) {
            out.write("x,y\n".repeat(1000).getBytes(StandardCharsets.UTF_8));
        }
        byte[] bytes = Files.readAllBytes(full);
        Path cut = Files.write(dir.resolve("cut.csv.gz"), Arrays.copyOf(bytes, 20));

        assertThatThrownBy(() -> CsvTable.read(cut))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(cut.toString());
    }

    @Test
    void throwsNoSuchFileForAMissingFile() {
        assertThatThrownBy(() -> CsvTable.read(dir.resolve("missing.csv")))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("missing.csv");
    }

    @Test
    void rejectsAnEmptyFileAndDuplicateColumnNames() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.csv"), "");
        Path duplicate = Files.writeString(dir.resolve("dup.csv"), "a,b,a\n1,2,3\n");

        assertThatThrownBy(() -> CsvTable.read(empty)).hasMessageContaining("header");
        assertThatThrownBy(() -> CsvTable.read(duplicate))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a'");
    }

    @Test
    void keepsFileLineNumbersAcrossBlankLinesAndQuotedLineBreaks() {
        CsvTable table = CsvTable.parse("a,b\n1,2\n\n3,\"multi\nline\"\n5,6\r\n7,8", "mem");

        assertThat(table.rowCount()).isEqualTo(4);
        assertThat(table.line(0)).isEqualTo(2);
        assertThat(table.line(1)).isEqualTo(4);
        assertThat(table.line(2)).isEqualTo(6);
        assertThat(table.line(3)).isEqualTo(7);
        assertThat(table.value(1, "b")).isEqualTo("multi\nline");
    }

    @Test
    void dropsAByteOrderMarkFromTheFirstColumnName() {
        CsvTable table = CsvTable.parse("\uFEFFa,b\n1,2\n", "mem");

        assertThat(table.header()).containsExactly("a", "b");
    }

    @Test
    void parsesChosenColumnsInTheRequestedOrder() {
        CsvTable table = CsvTable.parse("a,b,c\n1,2,3\n-4, 5 ,6e2\n", "mem");

        NumericRows rows = table.numeric(List.of("c", "a"), null);

        assertThat(rows.validCount()).isEqualTo(2);
        assertThat(rows.values(0)).containsExactly(3.0, 1.0);
        assertThat(rows.values(1)).containsExactly(600.0, -4.0);
        assertThat(rows.validValues()).hasDimensions(2, 2);
    }

    @Test
    void anOverflowingNumberIsNamedAsSuchAndAHugeCellIsCutInTheMessage() {
        String huge = "9".repeat(5_000_000);
        CsvTable table = CsvTable.parse("a,b\n1e400,2\n" + huge + ",2\n1," + huge + "x\n", "mem");

        NumericRows rows = table.numeric(List.of("a", "b"), null);

        assertThat(rows.errors())
                .containsExactly(
                        new RowError(2, "column 'a': '1e400' overflows a double"),
                        new RowError(
                                3, "column 'a': '" + "9".repeat(64) + "...' overflows a double"),
                        new RowError(4, "column 'b': '" + "9".repeat(64) + "...' is not a number"));
    }

    @Test
    void rejectsRowsWithAReasonNamingColumnAndValue() {
        CsvTable table =
                CsvTable.parse(
                        "a,b,label\n1,2,0\n1,x,0\n1,NaN,0\n-Infinity,2,0\n1,,0\n1,2\n1,2,0,9\n3,4,1\n",
                        "mem");

        NumericRows rows = table.numeric(List.of("a", "b"), null);

        assertThat(rows.size()).isEqualTo(8);
        assertThat(rows.validCount()).isEqualTo(2);
        assertThat(rows.rejectedCount()).isEqualTo(6);
        assertThat(rows.errors())
                .containsExactly(
                        new RowError(3, "column 'b': 'x' is not a number"),
                        new RowError(4, "column 'b': 'NaN' is not finite"),
                        new RowError(5, "column 'a': '-Infinity' is not finite"),
                        new RowError(6, "column 'b': empty value"),
                        new RowError(7, "row has 2 fields, header has 3"),
                        new RowError(8, "row has 4 fields, header has 3"));
        assertThat(rows.isValid(0)).isTrue();
        assertThat(rows.isValid(7)).isTrue();
        assertThat(rows.error(1)).contains("'x'");
        assertThatThrownBy(() -> rows.values(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void parsesZeroOneLabelsAndRejectsOtherLabelValues() {
        CsvTable table = CsvTable.parse("a,label\n1,0\n2,1\n3,1.0\n4,2\n5,yes\n", "mem");

        NumericRows rows = table.numeric(List.of("a"), "label");

        assertThat(rows.validLabels()).containsExactly(false, true, true);
        assertThat(rows.errors())
                .extracting(RowError::reason)
                .containsExactly(
                        "column 'label': '2' is not a label (expected 0 or 1)",
                        "column 'label': 'yes' is not a label (expected 0 or 1)");
    }

    @Test
    void selectsFeatureColumnsWithoutLabelAndExcludedColumns() {
        CsvTable table = CsvTable.parse("id,a,b,label,c\n", "mem");

        assertThat(table.featureColumns("label", List.of("id"))).containsExactly("a", "b", "c");
        assertThat(table.featureColumns(null, List.of())).hasSize(5);
        assertThatThrownBy(() -> table.featureColumns("label", List.of("zz", "id")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[zz]");
    }

    @Test
    void defaultsTheLabelColumnToLabelWhenPresent() {
        CsvTable withLabel = CsvTable.parse("a,label\n", "mem");
        CsvTable withoutLabel = CsvTable.parse("a,b\n", "mem");

        assertThat(withLabel.labelColumn(null)).contains("label");
        assertThat(withoutLabel.labelColumn(null)).isEmpty();
        assertThat(withoutLabel.labelColumn("b")).contains("b");
        assertThatThrownBy(() -> withoutLabel.labelColumn("y"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'y'");
    }

    @Test
    void listsMissingAndOtherColumns() {
        CsvTable table = CsvTable.parse("b,extra,label,a\n", "mem");

        assertThat(table.missingColumns(List.of("a", "c", "b", "d"))).containsExactly("c", "d");
        assertThat(table.otherColumns(List.of("a", "b"), "label")).containsExactly("extra");
    }

    @Test
    void writesCsvAndGzipCsvThatReadBackUnchanged() throws Exception {
        for (String name : List.of("out.csv", "out.csv.gz")) {
            Path file = dir.resolve(name);
            try (var printer = CsvOutput.create(file, List.of("a", "b"))) {
                printer.printRecord("1", "x,y");
            }

            CsvTable table = CsvTable.read(file);

            assertThat(table.header()).containsExactly("a", "b");
            assertThat(table.value(0, "b")).isEqualTo("x,y");
        }
    }

    @Test
    void aStrayOrUnclosedQuoteIsOneBadRowNotTheEndOfTheFile() {
        CsvTable table =
                CsvTable.parse("a,b\n1,2\n\"3\"x,4\n5,6\n\"7,8\n9,10\n\"x\ny\",11\n", "quotes.csv");

        NumericRows rows = table.numeric(List.of("a", "b"), null);

        assertThat(table.rowCount()).isEqualTo(6);
        assertThat(table.rowError(1)).contains("quoted field is followed by other characters");
        assertThat(table.rowError(3)).contains("never closed");
        assertThat(rows.error(1)).isEqualTo(table.rowError(1));
        assertThat(rows.values(2)).containsExactly(5, 6);
        assertThat(rows.values(4)).containsExactly(9, 10);
        assertThat(table.line(4)).isEqualTo(6);
        // A quoted field with a line break is still one record, on the line where it starts.
        assertThat(table.rowError(5)).isNull();
        assertThat(table.value(5, "a")).isEqualTo("x\ny");
        assertThat(table.line(5)).isEqualTo(7);
    }
}
