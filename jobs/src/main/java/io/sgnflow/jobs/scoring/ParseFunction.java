package io.sgnflow.jobs.scoring;

import io.sgnflow.connectors.record.DeadLetterRecord;
import io.sgnflow.connectors.record.EventRecord;
import io.sgnflow.connectors.record.KafkaInput;
import io.sgnflow.connectors.serde.EventFormat;
import io.sgnflow.connectors.serde.EventParser;
import io.sgnflow.connectors.serde.ParseResult;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Parses raw Kafka records into events; anything unparseable goes to the dead-letter side output
 * with its reason, so one bad record never stops the job and every record yields one output.
 */
public final class ParseFunction extends ProcessFunction<KafkaInput, EventRecord> {
    private static final long serialVersionUID = 1L;

    /** Dead letters of the parse and scoring stages. */
    public static final OutputTag<DeadLetterRecord> DEAD_LETTERS =
            new OutputTag<>("dead-letters") {};

    private final EventFormat format;
    private transient EventParser parser;
    private transient Counter eventsIn;
    private transient DeadLetterMetrics deadLetters;

    public ParseFunction(EventFormat format) {
        this.format = format;
    }

    @Override
    public void open(OpenContext openContext) {
        parser = new EventParser(format);
        eventsIn = getRuntimeContext().getMetricGroup().counter("eventsIn");
        deadLetters = new DeadLetterMetrics(getRuntimeContext().getMetricGroup(), "parse");
    }

    @Override
    public void processElement(KafkaInput input, Context ctx, Collector<EventRecord> out) {
        eventsIn.inc();
        ParseResult result = parser.parse(input);
        if (result.isOk()) {
            out.collect(result.event());
        } else {
            DeadLetterRecord dead = result.deadLetter();
            deadLetters.record(dead);
            ctx.output(DEAD_LETTERS, dead);
        }
    }
}
