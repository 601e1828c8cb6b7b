package dev.kcl.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

@KclStack
class LocalKinesisIT {

    @Test
    void putRecordsAndReadThemBackWithGetRecords(AwsStack stack, TestNames names) {
        // Given a stream with two shards and 200 records put across them
        StreamAdmin admin = StreamAdmin.of(stack.kinesis());
        admin.create(names.streamName(), 2);
        List<PutRecordsResultEntry> put = admin.put(names.streamName(), entries(200));

        // When each shard is read from TRIM_HORIZON with the plain HTTP/1.1 client
        Map<String, List<Record>> read = new HashMap<>();
        for (Shard shard : admin.shards(names.streamName())) {
            read.put(shard.shardId(), readAll(stack.kinesisHttp1(), names.streamName(), shard.shardId(), 200));
        }

        // Then every record comes back once, in sequence order per shard, with its payload
        assertThat(read.values().stream().mapToInt(List::size).sum()).isEqualTo(200);
        Map<String, String> payloadBySequence = new HashMap<>();
        read.values().forEach(records -> {
            assertThat(records)
                    .isSortedAccordingTo(Comparator.comparing(r -> new java.math.BigInteger(r.sequenceNumber())));
            records.forEach(
                    r -> payloadBySequence.put(r.sequenceNumber(), r.data().asUtf8String()));
        });
        for (int i = 0; i < put.size(); i++) {
            assertThat(payloadBySequence).containsEntry(put.get(i).sequenceNumber(), "record-" + i);
        }
    }

    @Test
    void splitAShardAndListTheChildren(AwsStack stack, TestNames names) {
        StreamAdmin admin = StreamAdmin.of(stack.kinesis());
        admin.create(names.streamName(), 1);
        String parent = admin.shards(names.streamName()).get(0).shardId();

        admin.split(names.streamName(), parent);

        List<Shard> shards = admin.shards(names.streamName());
        assertThat(shards).hasSize(3);
        Shard closed = shards.stream()
                .filter(s -> s.shardId().equals(parent))
                .findFirst()
                .orElseThrow();
        assertThat(closed.sequenceNumberRange().endingSequenceNumber()).isNotNull();
        List<Shard> children =
                shards.stream().filter(s -> parent.equals(s.parentShardId())).toList();
        assertThat(children).hasSize(2);
        assertThat(children)
                .allSatisfy(c -> assertThat(c.sequenceNumberRange().endingSequenceNumber())
                        .isNull());
    }

    @Test
    void subscribeToShardOverHttp2DeliversRecords(AwsStack stack, TestNames names) throws Exception {
        // Given a stream with a registered, ACTIVE consumer
        KinesisAsyncClient kinesis = stack.kinesis();
        StreamAdmin admin = StreamAdmin.of(kinesis);
        admin.create(names.streamName(), 1);
        String streamArn = kinesis.describeStreamSummary(b -> b.streamName(names.streamName()))
                .join()
                .streamDescriptionSummary()
                .streamARN();
        String consumerArn = kinesis.registerStreamConsumer(
                        b -> b.streamARN(streamArn).consumerName("kit"))
                .join()
                .consumer()
                .consumerARN();
        Polling.until(
                "consumer ACTIVE",
                Duration.ofSeconds(30),
                Duration.ofMillis(100),
                () -> kinesis.describeStreamConsumer(b -> b.consumerARN(consumerArn))
                                .join()
                                .consumerDescription()
                                .consumerStatus()
                        == ConsumerStatus.ACTIVE);
        String shardId = admin.shards(names.streamName()).get(0).shardId();
        admin.put(names.streamName(), entries(50));

        // When we subscribe over HTTP/2, requesting one event at a time
        List<Record> received = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> gotAll = new CompletableFuture<>();
        CompletableFuture<Subscription> subscription = new CompletableFuture<>();
        SubscribeToShardResponseHandler handler = SubscribeToShardResponseHandler.builder()
                .onError(gotAll::completeExceptionally)
                .onEventStream(publisher -> publisher.subscribe(new Subscriber<SubscribeToShardEventStream>() {
                    @Override
                    public void onSubscribe(Subscription s) {
                        subscription.complete(s);
                        s.request(1);
                    }

                    @Override
                    public void onNext(SubscribeToShardEventStream event) {
                        if (event instanceof SubscribeToShardEvent records) {
                            received.addAll(records.records());
                        }
                        if (received.size() >= 50) {
                            gotAll.complete(null);
                        } else {
                            subscription.join().request(1);
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        gotAll.completeExceptionally(t);
                    }

                    @Override
                    public void onComplete() {}
                }))
                .build();
        CompletableFuture<Void> call = kinesis.subscribeToShard(
                b -> b.consumerARN(consumerArn)
                        .shardId(shardId)
                        .startingPosition(p -> p.type(ShardIteratorType.TRIM_HORIZON)),
                handler);

        // Then all records arrive, in order
        try {
            gotAll.get(30, TimeUnit.SECONDS);
        } finally {
            subscription.thenAccept(Subscription::cancel);
            call.cancel(true);
        }
        assertThat(received)
                .extracting(r -> r.data().asUtf8String())
                .containsExactlyElementsOf(
                        IntStream.range(0, 50).mapToObj(i -> "record-" + i).toList());
    }

    private static List<PutRecordsRequestEntry> entries(int count) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            entries.add(PutRecordsRequestEntry.builder()
                    .partitionKey("key-" + i)
                    .data(SdkBytes.fromString("record-" + i, StandardCharsets.UTF_8))
                    .build());
        }
        return entries;
    }

    private static List<Record> readAll(KinesisAsyncClient kinesis, String stream, String shardId, int atMost) {
        String iterator = kinesis.getShardIterator(
                        b -> b.streamName(stream).shardId(shardId).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .join()
                .shardIterator();
        List<Record> records = new ArrayList<>();
        while (iterator != null) {
            String current = iterator;
            GetRecordsResponse response = kinesis.getRecords(
                            b -> b.shardIterator(current).limit(atMost))
                    .join();
            records.addAll(response.records());
            if (response.records().isEmpty() && response.millisBehindLatest() == 0) {
                break;
            }
            iterator = response.nextShardIterator();
        }
        return records;
    }

    @Test
    void itsSettingsReachTheEmulator() {
        // A second emulator of its own, with a shard limit of 3 and quick stream creation
        try (LocalKinesis kinesis = LocalKinesis.builder()
                        .shardLimit(3)
                        .createStreamDuration(java.time.Duration.ofMillis(100))
                        .start();
                var client = kinesis.newHttp1AsyncClient()) {
            StreamAdmin admin = StreamAdmin.of(client);

            admin.create("three", 3);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> admin.create("one-more", 1))
                    .isInstanceOf(software.amazon.awssdk.services.kinesis.model.LimitExceededException.class);
        }
    }
}
