package io.sgnflow.connectors.serde;

import static io.sgnflow.connectors.serde.Inputs.input;
import static org.assertj.core.api.Assertions.assertThat;

import io.sgnflow.connectors.record.DeadLetterReason;
import io.sgnflow.connectors.record.DeadLetterRecord;
import io.sgnflow.connectors.record.EventRecord;
import org.junit.jupiter.api.Test;

class EventParserCsvTest {
    private final EventParser parser = new EventParser(EventFormat.CSV);

    private DeadLetterRecord rejected(String value) {
        ParseResult result = parser.parse(input(value));
        assertThat(result.isOk()).as("parse of %s", value).isFalse();
        return result.deadLetter();
    }

    @Test
    void parsesCommaSeparatedNumbersInModelOrder() {
        EventRecord event = parser.parse(input("1, -2.5 ,3e2,1e6,-1e6\n")).event();

        assertThat(event.getValues()).containsExactly(1.0, -2.5, 300.0, 1e6, -1e6);
        assertThat(event.getFeatureNames()).isNull();
        assertThat(event.getId()).isNull();
        assertThat(event.getKey()).isNull();
        assertThat(event.getTimestamp()).isEqualTo(Inputs.KAFKA_TIMESTAMP);
        assertThat(event.getRaw()).isEqualTo("1, -2.5 ,3e2,1e6,-1e6\n");
    }

    @Test
    void readsAByteOrderMarkAndQuotedCellsAsCsvFilesAre() {
        EventRecord event = parser.parse(input("\uFEFF0.1,\"2\", \" -3e1 \"")).event();

        assertThat(event.getValues()).containsExactly(0.1, 2.0, -30.0);
    }

    @Test
    void takesKeyFromKafkaRecord() {
        assertThat(parser.parse(Inputs.keyedInput("host-1", "1,2")).event().getKey())
                .isEqualTo("host-1");
    }

    @Test
    void rejectsNonNumericCellNamingColumnAndValue() {
        DeadLetterRecord deadLetter = rejected("1,2,3,abc");

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.NON_NUMERIC);
        assertThat(deadLetter.getMessage())
                .isEqualTo("column 3 (0-based) has non-numeric value \"abc\"");
    }

    @Test
    void rejectsJavaNumberSyntaxThatIsNotDecimal() {
        for (String cell : new String[] {"0.5d", "0.5f", "0x1p-1", "1_0", "0.5e", "."}) {
            DeadLetterRecord deadLetter = rejected("1," + cell);

            assertThat(deadLetter.getReason()).as(cell).isEqualTo(DeadLetterReason.NON_NUMERIC);
            assertThat(deadLetter.getMessage()).contains(cell);
        }
        assertThat(parser.parse(input("+1.5,-.5,2.,3E+2")).event().getValues())
                .containsExactly(1.5, -0.5, 2.0, 300.0);
    }

    @Test
    void rejectsEmptyCell() {
        DeadLetterRecord deadLetter = rejected("1,,3");

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.NON_NUMERIC);
        assertThat(deadLetter.getMessage())
                .isEqualTo("column 1 (0-based) has non-numeric value \"\"");
    }

    @Test
    void rejectsNaNCell() {
        DeadLetterRecord deadLetter = rejected("1,NaN");

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.NON_FINITE);
        assertThat(deadLetter.getMessage()).isEqualTo("column 1 (0-based) is NaN");
    }

    @Test
    void rejectsInfiniteAndOverflowingCells() {
        assertThat(rejected("-Infinity,1").getMessage())
                .isEqualTo("column 0 (0-based) is -Infinity");
        assertThat(rejected("1,2e308").getMessage())
                .isEqualTo("column 1 (0-based) value 2e308 overflows double");
    }

    @Test
    void rejectsSeveralLinesInOneRecord() {
        DeadLetterRecord deadLetter = rejected("1,2\n3,4");

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.MALFORMED);
        assertThat(deadLetter.getMessage()).contains("more than one line");
    }

    @Test
    void rejectsEmptyValue() {
        assertThat(rejected("").getReason()).isEqualTo(DeadLetterReason.EMPTY);
    }

    @Test
    void rejectsInvalidUtf8() {
        DeadLetterRecord deadLetter =
                parser.parse(input(new byte[] {'1', ',', (byte) 0xFF})).deadLetter();

        assertThat(deadLetter.getReason()).isEqualTo(DeadLetterReason.NOT_UTF8);
        assertThat(deadLetter.getRawBase64()).isEqualTo("MSz/");
    }
}
