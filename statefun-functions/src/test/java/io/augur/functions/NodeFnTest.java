package io.augur.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.functions.allocation.AllocationPolicy;
import io.augur.functions.allocation.NodeResources;
import io.augur.functions.wire.AllocationGrant;
import io.augur.functions.wire.AllocationRequest;
import io.augur.functions.wire.Limits;
import io.augur.functions.wire.ReleaseRequest;
import io.augur.functions.wire.TaskGrant;
import java.util.List;
import java.util.Random;
import org.apache.flink.statefun.sdk.java.Address;
import org.apache.flink.statefun.sdk.java.message.Message;
import org.apache.flink.statefun.sdk.java.message.MessageBuilder;
import org.apache.flink.statefun.sdk.java.testing.TestContext;
import org.junit.jupiter.api.Test;

class NodeFnTest {

    private static final String NODE = "node-1";
    private static final NodeResources CAPACITY = new NodeResources(4.0, 4096);

    private final NodeFn fn = new NodeFn(AllocationPolicy.defaults(), CAPACITY);
    private final TestContext context = TestContext.forTarget(new Address(NodeFn.TYPE, NODE));

    @Test
    void grantsWhatFitsAndAnswersTheTaskWithItsSequence() throws Throwable {
        AllocationGrant a = request("a", 7, 3.0, 1000);
        AllocationGrant b = request("b", 1, 3.0, 1000);

        assertThat(a.getGranted()).isEqualTo(new Limits(3.0, 1000L, true));
        assertThat(a.getSequence()).isEqualTo(7);
        assertThat(b.getGranted().getCpuCores()).isEqualTo(1.0);
        assertThat(b.getAvailableCpuCores()).isEqualTo(1.0);
        assertThat(b.getReasons())
                .containsExactly("capped cpu 3.000 -> 1.000 cores by node availability");
        Message reply = context.getSentMessages().get(1).message();
        assertThat(reply.targetAddress()).isEqualTo(new Address(TaskFn.TYPE, "b"));
    }

    @Test
    void aTasksNewRequestReplacesItsOwnGrant() throws Throwable {
        request("a", 1, 4.0, 4096);

        AllocationGrant again = request("a", 2, 4.0, 4096);

        assertThat(again.getGranted().getCpuCores()).isEqualTo(4.0);
        assertThat(again.getReasons()).isEmpty();
    }

    @Test
    void releaseReturnsTheTasksGrantToThePool() throws Throwable {
        request("a", 1, 4.0, 4096);
        fn.apply(
                        context,
                        MessageBuilder.forAddress(NodeFn.TYPE, NODE)
                                .withCustomType(
                                        Types.RELEASE_REQUEST, new ReleaseRequest("a", NODE))
                                .build())
                .join();

        assertThat(request("b", 1, 4.0, 4096).getGranted().getCpuCores()).isEqualTo(4.0);
    }

    @Test
    void aBurstNeverOverCommitsTheNode() throws Throwable {
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            request(
                    "t" + random.nextInt(8),
                    i,
                    Math.round(random.nextDouble() * 3000) / 1000.0,
                    random.nextInt(2048));
            double cpu = 0;
            long memory = 0;
            for (TaskGrant g :
                    context.storage().get(NodeFn.GRANTS).orElseThrow().getGrants().values()) {
                cpu += g.getCpuCores();
                memory += g.getMemoryBytes();
            }
            assertThat(cpu).isLessThanOrEqualTo(CAPACITY.cpuCores() + 1e-9);
            assertThat(memory).isLessThanOrEqualTo(CAPACITY.memoryBytes());
        }
    }

    @Test
    void rejectsMessagesThatAreNotForIt() {
        Message wrong = MessageBuilder.forAddress(NodeFn.TYPE, NODE).withValue("hello").build();

        assertThatThrownBy(() -> fn.apply(context, wrong))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private AllocationGrant request(String task, long sequence, double cpu, long memory)
            throws Throwable {
        Message m =
                MessageBuilder.forAddress(NodeFn.TYPE, NODE)
                        .withCustomType(
                                Types.ALLOCATION_REQUEST,
                                new AllocationRequest(
                                        task,
                                        NODE,
                                        sequence,
                                        new Limits(cpu, memory, true),
                                        null,
                                        false))
                        .build();
        fn.apply(context, m).join();
        List<org.apache.flink.statefun.sdk.java.testing.SideEffects.SendSideEffect> sent =
                context.getSentMessages();
        return sent.get(sent.size() - 1).message().as(Types.ALLOCATION_GRANT);
    }
}
