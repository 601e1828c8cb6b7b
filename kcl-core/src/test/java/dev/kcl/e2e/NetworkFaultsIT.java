package dev.kcl.e2e;

import static dev.kcl.e2e.OneWorkerIT.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.InitialPosition;
import dev.kcl.Worker;
import dev.kcl.WorkerState;
import dev.kcl.testkit.AwsClients;
import dev.kcl.testkit.AwsStack;
import dev.kcl.testkit.FaultProxy;
import dev.kcl.testkit.KclStack;
import dev.kcl.testkit.StreamAdmin;
import dev.kcl.testkit.TestNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Kinesis and DynamoDB failing under a running worker, injected by a TCP proxy in front of each: every record is
 * delivered, first deliveries stay in sequence order per shard, and the worker recovers by itself.
 */
@KclStack
class NetworkFaultsIT {
    private static final String THROTTLED = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
            + "ProvisionedThroughputExceededException\",\"message\":\"injected throttling\"}";

    private static Worker.Builder worker(
            TestNames names, String id, KinesisAsyncClient kinesis, DynamoDbAsyncClient dynamoDb, Delivered delivered) {
        return Worker.builder()
                .applicationName(names.applicationName())
                .streamName(names.streamName())
                .workerId(id)
                .kinesis(kinesis)
                .dynamoDb(dynamoDb)
                .processorFactory(delivered)
                .initialPosition(InitialPosition.trimHorizon())
                .failoverTime(Duration.ofSeconds(3));
    }

    /** Every record of 0..count arrived, and per shard the first delivery of each follows sequence order. */
    private static void assertNothingLostAndInOrder(List<Delivered> ledgers, int count) {
        Set<String> payloads = new HashSet<>();
        Map<String, List<Delivered.Delivery>> byShard = new LinkedHashMap<>();
        ledgers.forEach(l -> l.byShard.forEach((shard, list) ->
                byShard.computeIfAbsent(shard, k -> new ArrayList<>()).addAll(list)));
        for (List<Delivered.Delivery> all : byShard.values()) {
            all.sort(java.util.Comparator.comparingLong(Delivered.Delivery::order));
            Set<String> seen = new HashSet<>();
            List<Delivered.Delivery> first =
                    all.stream().filter(d -> seen.add(d.sequenceNumber())).toList();
            assertThat(Delivered.inOrder(first)).isTrue();
            first.forEach(d -> payloads.add(d.data()));
        }
        assertThat(payloads)
                .containsAll(
                        IntStream.range(0, count).mapToObj(i -> "record-" + i).toList());
    }

    private static int distinct(Delivered delivered) {
        return new HashSet<>(delivered.payloads()).size();
    }

    @Test
    void kinesisAnswering500sHoldsDeliveryBackAndLosesNothing(AwsStack stack, TestNames names) throws Exception {
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        admin.create(names.streamName(), 2);
        admin.put(names.streamName(), OneWorkerIT.records(0, 100));
        Delivered delivered = new Delivered("w1");
        try (FaultProxy proxy = FaultProxy.start("kinesis-w1", stack.kinesisPlainEndpoint());
                KinesisAsyncClient kinesis = AwsClients.kinesisHttp1(proxy.endpoint());
                Worker worker = worker(names, "w1", kinesis, stack.dynamoDb(), delivered)
                        .build()) {
            worker.start();
            await(Duration.ofSeconds(60), () -> distinct(delivered) >= 100, () -> distinct(delivered) + " delivered");

            // When Kinesis answers every call with HTTP 500 (calls already on their way have been answered) while
            // records keep coming
            proxy.respond(500, "application/x-amz-json-1.1", "{\"__type\":\"InternalFailure\"}");
            await(Duration.ofSeconds(30), () -> proxy.answered() >= 10, () -> proxy.answered() + " answered");
            admin.put(names.streamName(), OneWorkerIT.records(100, 300));
            Thread.sleep(2_000);
            int duringOutage = distinct(delivered);

            // Then nothing new arrives during the outage, and everything does once it ends, in order
            assertThat(duringOutage).isEqualTo(100);
            proxy.heal();
            await(Duration.ofSeconds(60), () -> distinct(delivered) >= 300, () -> distinct(delivered) + " delivered");
            assertNothingLostAndInOrder(List.of(delivered), 300);
            assertThat(worker.state()).isEqualTo(WorkerState.RUNNING);
        }
    }

    @Test
    void aDynamoDbThrottlingStormLongerThanTheFailoverTimeIsRiddenOut(AwsStack stack, TestNames names)
            throws Exception {
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        admin.create(names.streamName(), 2);
        admin.put(names.streamName(), OneWorkerIT.records(0, 100));
        Delivered delivered = new Delivered("w1");
        try (FaultProxy proxy = FaultProxy.start("dynamodb-w1", stack.dynamoDbEndpoint());
                DynamoDbAsyncClient dynamoDb = AwsClients.dynamoDb(proxy.endpoint());
                Worker worker = worker(names, "w1", stack.kinesisHttp1(), dynamoDb, delivered)
                        .build()) {
            worker.start();
            await(Duration.ofSeconds(60), () -> distinct(delivered) >= 100, () -> distinct(delivered) + " delivered");

            // When every DynamoDB call is throttled for twice the failover time
            proxy.respond(400, "application/x-amz-json-1.0", THROTTLED);
            admin.put(names.streamName(), OneWorkerIT.records(100, 200));
            Thread.sleep(6_000);

            // Then the worker lets its leases go (its consumers may still be finishing throttled calls), takes them
            // back afterwards, and delivers everything
            await(
                    Duration.ofSeconds(30),
                    () -> worker.shardIds().isEmpty(),
                    () -> "still reading " + worker.shardIds());
            assertThat(worker.state()).isEqualTo(WorkerState.RUNNING); // throttling is never a reason to give up
            proxy.heal();
            admin.put(names.streamName(), OneWorkerIT.records(200, 300));
            await(Duration.ofSeconds(60), () -> distinct(delivered) >= 300, () -> distinct(delivered) + " delivered");
            assertNothingLostAndInOrder(List.of(delivered), 300);
            assertThat(worker.state()).isEqualTo(WorkerState.RUNNING);
            assertThat(proxy.answered()).isPositive();
        }
    }

    @Test
    void aWorkerCutOffFromDynamoDbGivesItsShardsUpAndTheOtherTakesThem(AwsStack stack, TestNames names)
            throws Exception {
        StreamAdmin admin = StreamAdmin.of(stack.kinesisHttp1());
        admin.create(names.streamName(), 4);
        admin.put(names.streamName(), OneWorkerIT.records(0, 200));
        Delivered one = new Delivered("w1");
        Delivered two = new Delivered("w2");
        try (FaultProxy proxy = FaultProxy.start("dynamodb-w1", stack.dynamoDbEndpoint());
                DynamoDbAsyncClient dynamoDb = AwsClients.dynamoDb(proxy.endpoint());
                Worker w1 =
                        worker(names, "w1", stack.kinesisHttp1(), dynamoDb, one).build();
                Worker w2 = worker(names, "w2", stack.kinesisHttp1(), stack.dynamoDb(), two)
                        .build()) {
            w1.start();
            w2.start();
            await(
                    Duration.ofSeconds(60),
                    () -> w1.shardIds().size() == 2 && w2.shardIds().size() == 2,
                    () -> w1.shardIds() + " / " + w2.shardIds());

            // When w1's DynamoDB traffic disappears into a black hole
            proxy.blackHole();
            admin.put(names.streamName(), OneWorkerIT.records(200, 400));

            // Then w1 stops delivering and w2 owns all four shards and delivers everything
            await(
                    Duration.ofSeconds(30),
                    () -> w2.shardIds().size() == 4 && w1.shardIds().isEmpty(),
                    () -> w2.shardIds() + " held by w2, " + w1.shardIds() + " by w1");
            await(
                    Duration.ofSeconds(60),
                    () -> new HashSet<>(union(one, two)).size() >= 400,
                    () -> new HashSet<>(union(one, two)).size() + " delivered");
            assertNothingLostAndInOrder(List.of(one, two), 400);

            // And once the network heals w1 gets its share back
            proxy.heal();
            await(Duration.ofSeconds(60), () -> !w1.shardIds().isEmpty(), () -> w1.shardIds() + " held by w1");
            assertThat(w1.state()).isEqualTo(WorkerState.RUNNING);
        }
    }

    private static List<String> union(Delivered one, Delivered two) {
        List<String> all = new ArrayList<>(one.payloads());
        all.addAll(two.payloads());
        return all;
    }
}
