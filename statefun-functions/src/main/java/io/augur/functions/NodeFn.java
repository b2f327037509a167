package io.augur.functions;

import io.augur.functions.allocation.AllocationPolicy;
import io.augur.functions.allocation.Capped;
import io.augur.functions.allocation.NodeResources;
import io.augur.functions.allocation.ResourcePool;
import io.augur.functions.wire.AllocationGrant;
import io.augur.functions.wire.AllocationRequest;
import io.augur.functions.wire.Limits;
import io.augur.functions.wire.NodeGrants;
import io.augur.functions.wire.ReleaseRequest;
import io.augur.functions.wire.TaskGrant;
import java.util.HashMap;
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
        NodeResources available = pool.availableFor(taskId);
        Capped capped = policy.cap(TaskFn.toAllocation(request.getRequested()), available);
        // withGrant re-checks the invariant: a cap that over-commits would throw, not grant.
        pool.withGrant(taskId, capped.allocation().resources());

        Map<String, TaskGrant> grants = new HashMap<>(stored.getGrants());
        grants.put(
                taskId,
                new TaskGrant(
                        capped.allocation().cpuCores(),
                        capped.allocation().memoryBytes(),
                        request.getSequence()));
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
                                        .setReasons(capped.reasons())
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
