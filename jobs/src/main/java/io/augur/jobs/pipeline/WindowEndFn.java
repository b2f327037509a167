package io.augur.jobs.pipeline;

import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Stamps each task's window summary with the window's end. Keeps no state. */
public final class WindowEndFn
        extends ProcessWindowFunction<WindowSummary, WindowSummary, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void process(
            String taskId,
            Context ctx,
            Iterable<WindowSummary> summaries,
            Collector<WindowSummary> out) {
        // An aggregating window hands over exactly one summary.
        WindowSummary w = summaries.iterator().next();
        w.windowEndMs = ctx.window().getEnd();
        out.collect(w);
    }
}
