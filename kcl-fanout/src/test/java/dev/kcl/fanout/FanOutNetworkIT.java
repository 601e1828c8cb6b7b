package dev.kcl.fanout;

import static dev.kcl.fanout.FanOutIT.assertEveryRecordOnceInOrder;
import static dev.kcl.fanout.FanOutIT.await;
import static dev.kcl.fanout.FanOutIT.distinct;
import static dev.kcl.fanout.FanOutIT.records;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.Worker;
import dev.kcl.testkit.AwsStack;
import dev.kcl.testkit.FaultProxy;
import dev.kcl.testkit.KclStack;
import dev.kcl.testkit.StreamAdmin;
import dev.kcl.testkit.TestNames;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;

/**
 * Fan-out through a real broken network: the worker's Kinesis client, built from {@link FanOut#httpClientBuilder(int)}
 * with a 3 s read timeout, talks HTTP/2 over TLS to the emulator through the test kit's TCP {@link FaultProxy}, which
 * resets its connections or swallows their bytes. TLS runs end to end through the proxy, so the client sees what it
 * would see on a real network.
 *
 * <p>AWS frees a subscription when its connection dies. The emulator does not: it keeps the dead subscription of the
 * consumer and shard active (measured: still after 7 minutes; deregistering the consumer does not reliably clear it
 * either), so every new subscription gets ResourceInUse and reading cannot resume here. These tests therefore check
 * what the client side does with a real failure: it reaches the source, which subscribes again right after the last
 * continuation it read, having delivered everything before the failure once and in order. That reading then resumes
 * from that position is shown by {@link FanOutFaultsIT}, which fails subscriptions the same way through a wrapping
 * client.
 */
@KclStack
class FanOutNetworkIT {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(3);
    private static final FanOutConfig CONFIG = FanOutConfig.builder("kcl-it")
            .shardCheckInterval(Duration.ofSeconds(1))
            .build();

    /** The proxy's address with the TLS scheme: it forwards bytes, so the TLS session is the emulator's. */
    private static URI tls(FaultProxy proxy) {
        URI plain = proxy.endpoint();
        return URI.create("https://" + plain.getHost() + ":" + plain.getPort());
    }

    @Test
    void aResetConnectionMakesEachShardSubscribeAgainAfterItsLastContinuation(AwsStack stack, TestNames names)
            throws Exception {
        subscribeThroughAFault(stack, names, proxy -> {
            proxy.reset(); // TCP RST on every open connection
            Thread.sleep(300);
            proxy.heal();
        });
    }

    @Test
    void aPeerSilentPastTheReadTimeoutMakesEachShardSubscribeAgainAfterItsLastContinuation(
            AwsStack stack, TestNames names) throws Exception {
        subscribeThroughAFault(stack, names, proxy -> {
            proxy.blackHole();
            Thread.sleep(READ_TIMEOUT.multipliedBy(2).toMillis());
            proxy.heal();
        });
    }

    @FunctionalInterface
    private interface Fault {
        void apply(FaultProxy proxy) throws Exception;
    }

    private static void subscribeThroughAFault(AwsStack stack, TestNames names, Fault fault) throws Exception {
        StreamAdmin admin = StreamAdmin.of(stack.kinesis()); // writes go straight to the emulator
        admin.create(names.streamName(), 2);
        Ledger ledger = new Ledger();
        List<Ledger> ledgers = List.of(ledger);
        try (FaultProxy proxy = FaultProxy.start("kinesis-tls", stack.kinesisEndpoint());
                KinesisAsyncClient kinesis = FanOutClients.tls(tls(proxy), 2, READ_TIMEOUT)) {
            ForwardingKinesis recording = new ForwardingKinesis(kinesis);
            try (Worker worker = FanOutIT.worker(recording, stack, names, "a", ledger, CONFIG)) {
                worker.start();
                await(Duration.ofSeconds(60), () -> worker.shardIds().size() == 2, () -> "" + worker.shardIds());
                admin.put(names.streamName(), records(0, 200));
                await(Duration.ofSeconds(60), () -> distinct(ledgers) >= 200, () -> distinct(ledgers) + " delivered");
                Map<String, Integer> before = Map.of(
                        "shardId-000000000000",
                                recording.starts.get("shardId-000000000000").size(),
                        "shardId-000000000001",
                                recording.starts.get("shardId-000000000001").size());

                // When the network fails under both subscriptions
                fault.apply(proxy);

                // Then each shard subscribes again right after the last continuation it read
                before.forEach((shard, count) -> await(
                        Duration.ofSeconds(30),
                        () -> recording.starts.get(shard).size() > count,
                        () -> shard + " starts " + recording.starts.get(shard)));
                recording.starts.forEach((shard, starts) -> {
                    StartingPosition again = starts.get(before.get(shard));
                    assertThat(again.type()).as(shard).isEqualTo(ShardIteratorType.AFTER_SEQUENCE_NUMBER);
                    assertThat(new BigInteger(again.sequenceNumber()))
                            .as(shard + " resumes after its last record")
                            .isGreaterThanOrEqualTo(new BigInteger(lastSequence(ledger, shard)));
                });
                // and what it delivered before the failure arrived once and in order
                assertEveryRecordOnceInOrder(ledgers, 200);
            }
        }
    }

    private static String lastSequence(Ledger ledger, String shard) {
        List<Ledger.Entry> entries = ledger.byShard.get(shard);
        return entries.get(entries.size() - 1).sequence();
    }
}
