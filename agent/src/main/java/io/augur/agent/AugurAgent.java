package io.augur.agent;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isChildOf;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.not;

import java.lang.instrument.Instrumentation;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * The {@code -javaagent} entry point. Instruments the configured packages' methods (not
 * constructors; not synthetic, bridge, abstract or native ones) in classes of the application's
 * class loader and its children, and starts the sender thread. Whatever goes wrong, the application
 * runs on: bad arguments or a failure to install print one line to stderr and leave it
 * uninstrumented.
 */
public final class AugurAgent {
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static final AtomicBoolean ERROR_REPORTED = new AtomicBoolean();

    /** How long the shutdown hook waits for the last events to go out. */
    static final long EXIT_FLUSH_MILLIS = 2000;

    private AugurAgent() {}

    public static void premain(String args, Instrumentation inst) {
        start(args, inst, false);
    }

    /** Attached to a running JVM: classes of the packages loaded already are retransformed. */
    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, true);
    }

    static void start(String args, Instrumentation inst, boolean retransform) {
        AgentOptions options;
        try {
            options = AgentOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(
                    "augur-agent: " + e.getMessage() + "; the application runs without recording");
            return;
        }
        if (!STARTED.compareAndSet(false, true)) {
            return;
        }
        try {
            install(options, inst, retransform);
        } catch (Throwable t) {
            InvocationDispatch.install(null);
            System.err.println(
                    "augur-agent: could not start ("
                            + t
                            + "); the application runs without recording");
        }
    }

    private static void install(AgentOptions options, Instrumentation inst, boolean retransform) {
        SecureRandom random = new SecureRandom();
        EventRing ring = new EventRing(options.buffer());
        InvocationRecorder recorder =
                new InvocationRecorder(
                        ring,
                        Salt.load(options.saltFile(), random),
                        System::currentTimeMillis,
                        options.rate());
        EventSender sender =
                new EventSender(
                        ring,
                        new UnixSocketTransport(options.socket()),
                        options.batch(),
                        ProcessHandle.current().pid(),
                        random.nextLong(),
                        version(),
                        System::nanoTime);
        Thread thread =
                new Thread(
                        () -> {
                            recorder.exclude();
                            sender.run();
                        },
                        "augur-agent-sender");
        thread.setDaemon(true);
        InvocationDispatch.install(recorder);
        thread.start();
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    recorder.exclude();
                                    try {
                                        sender.stop(EXIT_FLUSH_MILLIS);
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                },
                                "augur-agent-exit"));

        AsmVisitorWrapper advice =
                Advice.to(MethodEntryAdvice.class)
                        .on(
                                isMethod()
                                        .and(not(isAbstract()))
                                        .and(not(isNative()))
                                        .and(not(isSynthetic()))
                                        .and(not(isBridge())));
        ElementMatcher.Junction<TypeDescription> excluded = nameStartsWith("net.bytebuddy.");
        for (String prefix : AgentOptions.EXCLUDED) {
            excluded = excluded.or(nameStartsWith(prefix));
        }
        new AgentBuilder.Default()
                .disableClassFormatChanges()
                // At premain no application class is loaded yet: skip the scan of loaded classes.
                .with(
                        retransform
                                ? AgentBuilder.RedefinitionStrategy.RETRANSFORMATION
                                : AgentBuilder.RedefinitionStrategy.DISABLED)
                .with(new ErrorListener())
                .ignore(excluded.or(isSynthetic()))
                .assureReadEdgeTo(inst, InvocationDispatch.class)
                .type(
                        type -> options.records(type.getName()),
                        // Only loaders that can see the agent's classes: the inlined advice calls
                        // InvocationDispatch. Excludes the bootstrap and platform loaders.
                        isChildOf(AugurAgent.class.getClassLoader()))
                .transform((builder, type, loader, module, domain) -> builder.visit(advice))
                .installOn(inst);
    }

    private static String version() {
        String v = AugurAgent.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** A class that could not be instrumented runs as it is; the first such failure is told. */
    private static final class ErrorListener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onError(
                String typeName,
                ClassLoader classLoader,
                JavaModule module,
                boolean loaded,
                Throwable throwable) {
            if (ERROR_REPORTED.compareAndSet(false, true)) {
                System.err.println(
                        "augur-agent: "
                                + typeName
                                + " is not recorded ("
                                + throwable
                                + "); further such failures are not reported");
            }
        }
    }
}
