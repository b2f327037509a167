package io.augur.agent;

import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of every recorded method. {@code name} is a constant of the instrumented
 * class ({@code binary.Name#method}); the arguments arrive boxed, or as null for a method without
 * parameters. Any throwable of the agent is swallowed here: recording must never change what the
 * application does.
 */
public final class MethodEntryAdvice {
    private MethodEntryAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(
            @Advice.Origin("#t\\##m") String name,
            @Advice.AllArguments(nullIfEmpty = true) Object[] args) {
        // The argument array is built where it is read, so only for recorded invocations.
        Object token = InvocationDispatch.begin();
        if (token != null) {
            InvocationDispatch.record(token, name, args);
        }
    }
}
