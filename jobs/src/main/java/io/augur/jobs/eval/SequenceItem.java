package io.augur.jobs.eval;

import java.util.List;

/**
 * One item of a sequence dataset: an ADFA-LD trace, an HDFS session or a recorded task's calls.
 *
 * @param name where it came from (the file's trace column, or file:line)
 * @param abnormal labelled attack / abnormal / hostile
 * @param role the role column of the augur format ({@code default} elsewhere)
 * @param calls the call names in order
 */
public record SequenceItem(String name, boolean abnormal, String role, List<String> calls) {
    public SequenceItem {
        calls = List.copyOf(calls);
    }
}
