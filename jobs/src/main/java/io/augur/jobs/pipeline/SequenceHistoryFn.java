package io.augur.jobs.pipeline;

import io.augur.schema.InvocationEvent;
import java.time.Duration;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by taskId: keeps the task's last {@code length} calls in keyed state and pairs each
 * invocation with the calls before it, for {@link NextCallFn}. An invocation whose sequence number
 * is not greater than the last one seen is a duplicate (a collector's retry) and is dropped
 * (counted).
 */
public final class SequenceHistoryFn
        extends KeyedProcessFunction<String, InvocationEvent, CallToScore> {
    private static final long serialVersionUID = 1L;

    private final int length;
    private final Duration ttl;

    private transient ValueState<String[]> history;
    private transient ValueState<Long> lastSequence;
    private transient Counter duplicates;

    /**
     * @param length calls kept (at least the longest model window)
     * @param ttl how long an idle task's history is kept
     */
    public SequenceHistoryFn(int length, Duration ttl) {
        if (length < 1) {
            throw new IllegalArgumentException("history length must be >= 1");
        }
        this.length = length;
        this.ttl = ttl;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<String[]> h =
                new ValueStateDescriptor<>("history", BasicArrayTypeInfo.STRING_ARRAY_TYPE_INFO);
        h.enableTimeToLive(StateTtl.of(ttl));
        history = getRuntimeContext().getState(h);
        ValueStateDescriptor<Long> s = new ValueStateDescriptor<>("last-sequence", Types.LONG);
        s.enableTimeToLive(StateTtl.of(ttl));
        lastSequence = getRuntimeContext().getState(s);
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateInvocations");
    }

    @Override
    public void processElement(InvocationEvent e, Context ctx, Collector<CallToScore> out)
            throws Exception {
        Long last = lastSequence.value();
        if (last != null && e.getSequence() <= last) {
            duplicates.inc();
            return;
        }
        lastSequence.update(e.getSequence());
        String[] before = history.value();
        if (before == null) {
            before = new String[0];
        }
        out.collect(CallToScore.of(e, before));
        String[] after;
        if (before.length < length) {
            after = Arrays.copyOf(before, before.length + 1);
        } else {
            after = new String[length];
            System.arraycopy(before, 1, after, 0, length - 1);
        }
        after[after.length - 1] = e.getName();
        history.update(after);
    }
}
