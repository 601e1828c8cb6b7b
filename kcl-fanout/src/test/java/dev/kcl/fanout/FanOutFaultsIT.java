package dev.kcl.fanout;

import static dev.kcl.fanout.FanOutIT.assertEveryRecordOnceInOrder;
import static dev.kcl.fanout.FanOutIT.await;
import static dev.kcl.fanout.FanOutIT.distinct;
import static dev.kcl.fanout.FanOutIT.records;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.Worker;
import dev.kcl.testkit.AwsStack;
import dev.kcl.testkit.KclStack;
import dev.kcl.testkit.StreamAdmin;
import dev.kcl.testkit.TestNames;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Subscriptions that break in the middle of the stream on the local stack, through a wrapping client that fails them
 * as the SDK reports a read timeout or a connection reset (the emulator's connections do not fail on their own).
 */
@KclStack
class FanOutFaultsIT {
    private static final FanOutConfig CONFIG = FanOutConfig.builder("kcl-it")
            .shardCheckInterval(Duration.ofSeconds(1))
            .build();

    @Test
    void aReadTimeoutMidStreamResumesAfterTheLastContinuationWithoutLossOrWarning(AwsStack stack, TestNames names)
            throws Exception {
        breakEachShardOnce(stack, names, FailingSubscriptions::readTimeout);
    }

    @Test
    void aConnectionResetMidStreamResumesAfterTheLastContinuationWithoutLossOrWarning(AwsStack stack, TestNames names)
            throws Exception {
        breakEachShardOnce(stack, names, FailingSubscriptions::connectionReset);
    }

    @Test
    void aConsumerDeregisteredWhileTheWorkerRunsIsRegisteredAgainAndReadingGoesOn(AwsStack stack, TestNames names)
            throws Exception {
        StreamAdmin admin = StreamAdmin.of(stack.kinesis());
        admin.create(names.streamName(), 2);
        String streamArn = stack.kinesis()
                .describeStreamSummary(b -> b.streamName(names.streamName()))
                .join()
                .streamDescriptionSummary()
                .streamARN();
        Ledger ledger = new Ledger();
        try (KinesisAsyncClient kinesis = FanOutClients.tls(stack.kinesisEndpoint(), 2);
                LogCapture log = LogCapture.of(FanOutRecordSource.class)) {
            // Subscriptions end every 1.5 s, so the next one soon learns that the consumer is gone
            ExpiringSubscriptions expiring = new ExpiringSubscriptions(kinesis, Duration.ofMillis(1500));
            try (Worker worker = FanOutIT.worker(expiring, stack, names, "a", ledger, CONFIG)) {
                worker.start();
                await(Duration.ofSeconds(60), () -> worker.shardIds().size() == 2, () -> "" + worker.shardIds());
                admin.put(names.streamName(), records(0, 200));
                await(Duration.ofSeconds(60), () -> ledger.count() >= 200, () -> ledger.count() + " delivered");
                String before = consumerArn(stack, streamArn);

                // When an operator deregisters the consumer while the worker reads
                FanOut.deregister(stack.kinesis(), streamArn, "kcl-it");
                for (int batch = 2; batch < 6; batch++) {
                    admin.put(names.streamName(), records(batch * 100, batch * 100 + 100));
                    Thread.sleep(700);
                }

                // Then the worker registers it again and reads everything once, in order
                await(
                        Duration.ofSeconds(60),
                        () -> distinct(List.of(ledger)) >= 600,
                        () -> distinct(List.of(ledger)) + " delivered");
                assertEveryRecordOnceInOrder(List.of(ledger), 600);
                assertThat(consumerArn(stack, streamArn)).as("registered again").isNotEqualTo(before);
                assertThat(log.warningsAndErrors())
                        .anySatisfy(m -> assertThat(m).contains("may have been deregistered"));
                assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("subscribing as stream consumer"));
            }
        }
    }

    private static String consumerArn(AwsStack stack, String streamArn) {
        return stack.kinesis()
                .describeStreamConsumer(b -> b.streamARN(streamArn).consumerName("kcl-it"))
                .join()
                .consumerDescription()
                .consumerARN();
    }

    private static void breakEachShardOnce(AwsStack stack, TestNames names, Supplier<Throwable> failure)
            throws Exception {
        StreamAdmin admin = StreamAdmin.of(stack.kinesis());
        admin.create(names.streamName(), 2);
        Ledger ledger = new Ledger();
        try (KinesisAsyncClient kinesis = FanOutClients.tls(stack.kinesisEndpoint(), 2);
                LogCapture log = LogCapture.of(FanOutRecordSource.class)) {
            // Each shard's first subscription breaks after its second event with records
            FailingSubscriptions failing = new FailingSubscriptions(kinesis, 2, 1, failure);
            try (Worker worker = FanOutIT.worker(failing, stack, names, "a", ledger, CONFIG)) {
                worker.start();
                await(Duration.ofSeconds(60), () -> worker.shardIds().size() == 2, () -> "" + worker.shardIds());
                for (int batch = 0; batch < 8; batch++) {
                    admin.put(names.streamName(), records(batch * 100, batch * 100 + 100));
                    Thread.sleep(700);
                }
                await(
                        Duration.ofSeconds(60),
                        () -> distinct(List.of(ledger)) >= 800,
                        () -> distinct(List.of(ledger)) + " delivered");

                assertEveryRecordOnceInOrder(List.of(ledger), 800);
                assertThat(failing.injected).as("one failure per shard").hasSize(2);
                failing.assertResumedAfterTheLastContinuation();
                assertThat(log.warningsAndErrors())
                        .as("one failure per shard is routine")
                        .isEmpty();
            }
        }
    }
}
