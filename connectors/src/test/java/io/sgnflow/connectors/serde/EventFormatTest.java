package io.sgnflow.connectors.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EventFormatTest {
    @Test
    void parsesNamesIgnoringCaseAndWhitespace() {
        assertThat(EventFormat.parse("json")).isEqualTo(EventFormat.JSON);
        assertThat(EventFormat.parse(" CSV ")).isEqualTo(EventFormat.CSV);
    }

    @Test
    void rejectsUnknownNameListingTheAcceptedOnes() {
        assertThatThrownBy(() -> EventFormat.parse("avro"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown event format 'avro'; expected one of json, csv");
        assertThatThrownBy(() -> EventFormat.parse(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
    }
}
