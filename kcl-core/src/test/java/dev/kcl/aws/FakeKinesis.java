package dev.kcl.aws;

import dev.kcl.time.Ticker;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * One shard behind the two calls polling makes, answering at once: iterators encode a position and a generation, so
 * the test can expire them; failures can be queued; every call is recorded with the fake clock's time.
 */
final class FakeKinesis implements KinesisAsyncClient {
    record Call(String operation, long atNanos, GetShardIteratorRequest iteratorRequest) {}

    final List<Record> records = new CopyOnWriteArrayList<>();
    final List<Call> calls = new CopyOnWriteArrayList<>();
    final Deque<RuntimeException> failures = new ArrayDeque<>();
    private final Ticker time;
    volatile boolean closedShard;
    volatile int generation;

    FakeKinesis(Ticker time) {
        this.time = time;
    }

    void add(int count) {
        int start = records.size();
        for (int i = start; i < start + count; i++) {
            records.add(Record.builder()
                    .sequenceNumber(Long.toString(1_000_001L + i))
                    .partitionKey("k" + i)
                    .data(SdkBytes.fromUtf8String("r" + i))
                    .approximateArrivalTimestamp(Instant.ofEpochSecond(1_000 + i))
                    .build());
        }
    }

    /** Iterators handed out so far stop working, as after five minutes. */
    void expireIterators() {
        generation++;
    }

    long callCount(String operation) {
        return calls.stream().filter(c -> c.operation().equals(operation)).count();
    }

    private synchronized RuntimeException nextFailure() {
        return failures.poll();
    }

    @Override
    public CompletableFuture<GetShardIteratorResponse> getShardIterator(GetShardIteratorRequest request) {
        calls.add(new Call("GetShardIterator", time.nanos(), request));
        RuntimeException failure = nextFailure();
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        int position = switch (request.shardIteratorType()) {
            case TRIM_HORIZON -> 0;
            case LATEST -> records.size();
            case AT_SEQUENCE_NUMBER -> indexOf(request.startingSequenceNumber());
            case AFTER_SEQUENCE_NUMBER -> indexOf(request.startingSequenceNumber()) + 1;
            case AT_TIMESTAMP -> {
                int i = 0;
                while (i < records.size()
                        && records.get(i).approximateArrivalTimestamp().isBefore(request.timestamp())) {
                    i++;
                }
                yield i;
            }
            default -> throw new IllegalArgumentException(request.toString());
        };
        return CompletableFuture.completedFuture(GetShardIteratorResponse.builder()
                .shardIterator(generation + ":" + position)
                .build());
    }

    private int indexOf(String sequence) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).sequenceNumber().equals(sequence)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no record " + sequence);
    }

    @Override
    public CompletableFuture<GetRecordsResponse> getRecords(GetRecordsRequest request) {
        calls.add(new Call("GetRecords", time.nanos(), null));
        RuntimeException failure = nextFailure();
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        String[] parts = request.shardIterator().split(":");
        if (Integer.parseInt(parts[0]) != generation) {
            return CompletableFuture.failedFuture(
                    ExpiredIteratorException.builder().message("expired").build());
        }
        int position = Integer.parseInt(parts[1]);
        int end = Math.min(records.size(), position + request.limit());
        List<Record> batch = new ArrayList<>(records.subList(position, end));
        GetRecordsResponse.Builder response =
                GetRecordsResponse.builder().records(batch).millisBehindLatest(end < records.size() ? 5_000L : 0L);
        if (closedShard && end == records.size()) {
            response.nextShardIterator(null)
                    .childShards(ChildShard.builder()
                            .shardId("child-1")
                            .parentShards("shard-0")
                            .hashKeyRange(h -> h.startingHashKey("0").endingHashKey("9"))
                            .build());
        } else {
            response.nextShardIterator(generation + ":" + end);
        }
        return CompletableFuture.completedFuture(response.build());
    }

    @Override
    public String serviceName() {
        return "kinesis";
    }

    @Override
    public void close() {}
}
