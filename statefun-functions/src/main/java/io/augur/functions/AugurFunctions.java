package io.augur.functions;

import org.apache.flink.statefun.sdk.java.StatefulFunctions;

/** All of Augur's stateful functions, ready to be served by one request-reply handler. */
public final class AugurFunctions {
    private AugurFunctions() {}

    /** Namespace of Augur's function types: the runtime routes {@code augur.fn/*} here. */
    public static final String NAMESPACE = "augur.fn";

    public static StatefulFunctions create(FunctionsConfig config) {
        return new StatefulFunctions()
                .withStatefulFunction(TaskFn.spec(config))
                .withStatefulFunction(NodeFn.spec(config))
                .withStatefulFunction(UserFn.spec(config));
    }
}
