package io.augur.functions.policy;

import java.util.List;

/** A policy that does not load: every problem found, each with the line it is on. */
public final class PolicyException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public PolicyException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per problem: {@code SOURCE:LINE: what is wrong}. */
    public List<String> problems() {
        return problems;
    }
}
