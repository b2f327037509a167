package io.augur.functions;

import io.augur.functions.allocation.AllocationPolicy;
import io.augur.functions.allocation.Capped;
import io.augur.functions.allocation.NodeResources;
import io.augur.functions.allocation.ResourcePool;
import io.augur.functions.wire.AllocationGrant;
import io.augur.functions.wire.AllocationRequest;
import io.augur.functions.wire.Limits;
import io.augur.functions.wire.NodeGrants;
import io.augur.functions.wire.ReclaimNotice;
import io.augur.functions.wire.ReleaseRequest;
import io.augur.functions.wire.TaskGrant;
import io.augur.schema.TrustLevel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.statefun.sdk.java.Context;
import org.apache.flink.statefun.sdk.java.StatefulFunction;
import org.apache.flink.statefun.sdk.java.StatefulFunctionSpec;
import org.apache.flink.statefun.sdk.java.TypeName;
import org.apache.flink.statefun.sdk.java.ValueSpec;
import org.apache.flink.statefun.sdk.java.message.Message;
import org.apache.flink.statefun.sdk.java.message.MessageBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's resource pool ({@code augur.fn/node}, id = nodeId). Serialises the grants of all tasks
 * on the node: for each {@link AllocationRequest} it computes the task's availability (capacity
 * minus the other tasks' grants), caps the request with {@link AllocationPolicy#cap}, records the
 * grant and answers the task with an {@link AllocationGrant}. A {@link ReleaseRequest} returns a
 * task's grant. The sum of grants never exceeds the capacity.
 *
 * <p>Under contention (a request above the task's availability) it first reclaims from tasks of
 * lower trust ({@link ResourcePool#reclaimFor}; adaptive-trust-zones.md step 4): their grants
 * shrink at once (never below the policy's floors, never a quarantined task's) and each is told
 * with a {@link ReclaimNotice}, on which its TaskFn decides the smaller limits.
 */
public final class NodeFn implements StatefulFunction {

    private static final Logger LOG = LoggerFactory.getLogger(NodeFn.class);

    public static final TypeName TYPE = TypeName.typeNameOf(AugurFunctions.NAMESPACE, "node");

    static final ValueSpec<NodeGrants> GRANTS =
            ValueSpec.named("grants").withCustomType(Types.NODE_GRANTS);

    /** With default settings; the server uses {@link #spec(FunctionsConfig)}. */
    public static final StatefulFunctionSpec SPEC = spec(FunctionsConfig.DEFAULTS);

    private final AllocationPolicy policy;
    private final NodeResources capacity;

    public NodeFn(AllocationPolicy policy, NodeResources capacity) {
        this.policy = policy;
        this.capacity = capacity;
    }

    public static StatefulFunctionSpec spec(FunctionsConfig config) {
        return StatefulFunctionSpec.builder(TYPE)
                .withValueSpecs(GRANTS)
                .withSupplier(() -> new NodeFn(config.policy(), config.nodeCapacity()))
                .build();
    }

    @Override
    public CompletableFuture<Void> apply(Context context, Message message) {
        if (message.is(Types.ALLOCATION_REQUEST)) {
            onRequest(context, message.as(Types.ALLOCATION_REQUEST));
        } else if (message.is(Types.RELEASE_REQUEST)) {
            onRelease(context, message.as(Types.RELEASE_REQUEST));
        } else {
            // Only TaskFn talks to NodeFn: anything else is a wiring bug, fail loudly.
            throw new IllegalArgumentException("NodeFn does not handle " + message.valueTypeName());
        }
        return context.done();
    }

    private void onRequest(Context context, AllocationRequest request) {
        NodeGrants stored = context.storage().get(GRANTS).orElse(new NodeGrants(Map.of()));
        ResourcePool pool = pool(stored);
        String taskId = request.getTaskId();
        String nodeId = context.self().id();
        Map<String, TaskGrant> grants = new HashMap<>(stored.getGrants());
        List<String> reasons = new ArrayList<>();
        if (request.getTrustLevel() != null) {
            Map<String, Integer> rankOf = new HashMap<>();
            stored.getGrants()
                    .forEach(
                            (task, g) -> {
                                if (g.getReclaimable() && g.getTrustLevel() != null) {
                                    rankOf.put(task, rank(TrustLevel.valueOf(g.getTrustLevel())));
                                }
                            });
            TrustLevel trust = TrustLevel.valueOf(request.getTrustLevel());
            ResourcePool.Reclaim reclaim =
                    pool.reclaimFor(
                            taskId,
                            rank(trust),
                            // CPU only: a memory limit under another task's working set
                            // would kill it, and the pool does not know working sets.
                            new NodeResources(request.getRequested().getCpuCores(), 0),
                            rankOf,
                            new NodeResources(
                                    policy.settings().minCpuCores(),
                                    policy.settings().minMemoryBytes()));
            int i = 0;
            for (Map.Entry<String, NodeResources> e : reclaim.reduced().entrySet()) {
                String victim = e.getKey();
                NodeResources smaller = e.getValue();
                pool = pool.withGrant(victim, smaller);
                TaskGrant before = grants.get(victim);
                grants.put(
                        victim,
                        TaskGrant.newBuilder(before)
                                .setCpuCores(smaller.cpuCores())
                                .setMemoryBytes(smaller.memoryBytes())
                                .build());
                String why = reclaim.reasons().get(i++);
                reasons.add(why);
                context.send(
                        MessageBuilder.forAddress(TaskFn.TYPE, victim)
                                .withCustomType(
                                        Types.RECLAIM_NOTICE,
                                        ReclaimNotice.newBuilder()
                                                .setTaskId(victim)
                                                .setNodeId(nodeId)
                                                .setCpuCores(smaller.cpuCores())
                                                .setMemoryBytes(smaller.memoryBytes())
                                                .setReasons(
                                                        List.of(
                                                                "node "
                                                                        + nodeId
                                                                        + " under contention: "
                                                                        + why
                                                                        + " for task "
                                                                        + taskId
                                                                        + " at trust "
                                                                        + trust
                                                                        + " (adaptive-trust-zones.md"
                                                                        + " step 4)"))
                                                .build())
                                .build());
            }
            if (!reclaim.isEmpty()) {
                LOG.info("node {} reclaimed for task {}: {}", nodeId, taskId, reclaim.reasons());
            }
        }
        NodeResources available = pool.availableFor(taskId);
        Capped capped = policy.cap(TaskFn.toAllocation(request.getRequested()), available);
        reasons.addAll(capped.reasons());
        // withGrant re-checks the invariant: a cap that over-commits would throw, not grant.
        pool.withGrant(taskId, capped.allocation().resources());

        grants.put(
                taskId,
                new TaskGrant(
                        capped.allocation().cpuCores(),
                        capped.allocation().memoryBytes(),
                        request.getSequence(),
                        request.getTrustLevel(),
                        request.getReclaimable()));
        context.storage().set(GRANTS, new NodeGrants(grants));

        Limits granted = TaskFn.toLimits(capped.allocation());
        context.send(
                MessageBuilder.forAddress(TaskFn.TYPE, taskId)
                        .withCustomType(
                                Types.ALLOCATION_GRANT,
                                AllocationGrant.newBuilder()
                                        .setTaskId(taskId)
                                        .setNodeId(context.self().id())
                                        .setSequence(request.getSequence())
                                        .setGranted(granted)
                                        .setAvailableCpuCores(available.cpuCores())
                                        .setAvailableMemoryBytes(available.memoryBytes())
                                        .setReasons(reasons)
                                        .build())
                        .build());
        if (!capped.reasons().isEmpty()) {
            LOG.info("node {} capped task {}: {}", context.self().id(), taskId, capped.reasons());
        }
    }

    private void onRelease(Context context, ReleaseRequest release) {
        NodeGrants stored = context.storage().get(GRANTS).orElse(new NodeGrants(Map.of()));
        if (!stored.getGrants().containsKey(release.getTaskId())) {
            return;
        }
        Map<String, TaskGrant> grants = new HashMap<>(stored.getGrants());
        grants.remove(release.getTaskId());
        if (grants.isEmpty()) {
            context.storage().remove(GRANTS);
        } else {
            context.storage().set(GRANTS, new NodeGrants(grants));
        }
    }

    /** LOW 0 &lt; MEDIUM 1 &lt; HIGH 2: a task may reclaim only from ranks below its own. */
    static int rank(TrustLevel level) {
        return switch (level) {
            case LOW -> 0;
            case MEDIUM -> 1;
            case HIGH -> 2;
        };
    }

    private ResourcePool pool(NodeGrants stored) {
        Map<String, NodeResources> grants = new HashMap<>();
        stored.getGrants()
                .forEach(
                        (task, g) ->
                                grants.put(
                                        task,
                                        new NodeResources(g.getCpuCores(), g.getMemoryBytes())));
        return ResourcePool.of(capacity, grants);
    }
}
