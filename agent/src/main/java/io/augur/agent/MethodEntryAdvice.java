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
        InvocationDispatch.enter(name, args);
    }
}
