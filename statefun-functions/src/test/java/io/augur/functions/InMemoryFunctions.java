package io.augur.functions;

import io.augur.schema.DeadLetter;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.SchemaDecodeException;
import io.augur.schema.SecurityEvent;
import io.augur.schema.Topics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.statefun.sdk.egress.generated.KafkaProducerRecord;
import org.apache.flink.statefun.sdk.java.Address;
import org.apache.flink.statefun.sdk.java.StatefulFunction;
import org.apache.flink.statefun.sdk.java.StatefulFunctions;
import org.apache.flink.statefun.sdk.java.TypeName;
import org.apache.flink.statefun.sdk.java.message.EgressMessage;
import org.apache.flink.statefun.sdk.java.message.Message;
import org.apache.flink.statefun.sdk.java.message.MessageBuilder;
import org.apache.flink.statefun.sdk.java.testing.TestContext;

/**
 * Runs Augur's functions in memory on the SDK's {@link TestContext}: one context (and so one
 * storage) per address, messages between functions delivered in FIFO order until none are left,
 * egress records collected and decoded. The production {@link AugurFunctions#create} wiring is
 * used, so routing bugs show here before the runtime IT.
 */
final class InMemoryFunctions {

    private final Map<TypeName, Supplier<? extends StatefulFunction>> functions = new HashMap<>();
    private final Map<Address, TestContext> contexts = new HashMap<>();
    private final Map<Address, Integer> routed = new HashMap<>();
    private final Map<Address, Integer> egressed = new HashMap<>();
    private final Map<Address, Integer> delayedSeen = new HashMap<>();
    private final List<Delayed> delayed = new ArrayList<>();
    private final List<EnforcementDecision> decisions = new ArrayList<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final List<SecurityEvent> securityEvents = new ArrayList<>();

    InMemoryFunctions(FunctionsConfig config) {
        StatefulFunctions all = AugurFunctions.create(config);
        all.functionSpecs().forEach((type, spec) -> functions.put(type, spec.supplier()));
    }

    /** Sends {@code value} of {@code type} to {@code taskId}'s TaskFn, as the ingress would. */
    <T> void toTask(String taskId, org.apache.flink.statefun.sdk.java.types.Type<T> type, T value) {
        deliver(MessageBuilder.forAddress(TaskFn.TYPE, taskId).withCustomType(type, value).build());
    }

    /** Delivers a message and everything it causes. */
    void deliver(Message first) {
        Deque<Message> queue = new ArrayDeque<>();
        queue.add(first);
        while (!queue.isEmpty()) {
            Message message = queue.poll();
            Address target = message.targetAddress();
            TestContext context = context(target);
            try {
                // A new instance per message, as the SDK makes one per request batch: what an
                // instance takes from the config at creation (the policy in force) is current.
                functions.get(target.type()).get().apply(context, message).join();
            } catch (Throwable t) {
                throw new AssertionError("function " + target + " failed", t);
            }
            List<Message> sent = context.getSentMessages().stream().map(s -> s.message()).toList();
            int from = routed.getOrDefault(target, 0);
            queue.addAll(sent.subList(from, sent.size()));
            routed.put(target, sent.size());
            List<EgressMessage> out =
                    context.getSentEgressMessages().stream().map(s -> s.message()).toList();
            int fromEgress = egressed.getOrDefault(target, 0);
            out.subList(fromEgress, out.size()).forEach(this::collect);
            egressed.put(target, out.size());
            var later = context.getSentDelayedMessages();
            int fromDelayed = delayedSeen.getOrDefault(target, 0);
            later.subList(fromDelayed, later.size())
                    .forEach(d -> delayed.add(new Delayed(d.duration(), d.message())));
            delayedSeen.put(target, later.size());
        }
    }

    /** A message sent with {@code sendAfter}, not delivered until {@link #fire} is called. */
    record Delayed(java.time.Duration delay, Message message) {}

    /** The delayed messages sent and not fired yet, oldest first. */
    List<Delayed> delayed() {
        return List.copyOf(delayed);
    }

    /** Delivers one delayed message now (as the runtime does when its time has come). */
    void fire(Delayed message) {
        if (!delayed.remove(message)) {
            throw new AssertionError("not a pending delayed message: " + message);
        }
        deliver(message.message());
    }

    TestContext context(Address address) {
        return contexts.computeIfAbsent(address, TestContext::forTarget);
    }

    List<EnforcementDecision> decisions() {
        return List.copyOf(decisions);
    }

    List<SecurityEvent> securityEvents() {
        return List.copyOf(securityEvents);
    }

    List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }

    private void collect(EgressMessage message) {
        KafkaProducerRecord record = kafkaRecord(message);
        try {
            if (record.getTopic().equals(Topics.DECISIONS.name())) {
                decisions.add(
                        Topics.DECISIONS.codec().decode(record.getValueBytes().toByteArray()));
            } else if (record.getTopic().equals(Topics.SECURITY.name())) {
                securityEvents.add(
                        Topics.SECURITY.codec().decode(record.getValueBytes().toByteArray()));
            } else if (record.getTopic().equals(Topics.DLQ.name())) {
                deadLetters.add(Topics.DLQ.codec().decode(record.getValueBytes().toByteArray()));
            } else {
                throw new AssertionError("egress to unexpected topic " + record.getTopic());
            }
        } catch (SchemaDecodeException e) {
            throw new AssertionError(e);
        }
    }

    static KafkaProducerRecord kafkaRecord(EgressMessage message) {
        try {
            return KafkaProducerRecord.parseFrom(message.egressMessageValueBytes().toByteArray());
        } catch (Exception e) {
            throw new AssertionError("not a Kafka egress record", e);
        }
    }
}
