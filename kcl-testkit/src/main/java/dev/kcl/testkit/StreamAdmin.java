package dev.kcl.testkit;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ScalingType;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Stream set-up for tests and samples: create and wait for ACTIVE, put records in batches, reshard, list shards.
 * Blocking calls over an async client. Thread-safe.
 */
public final class StreamAdmin {
    private static final int MAX_PUT_BATCH = 500;
    private static final Duration ACTIVE_TIMEOUT = Duration.ofSeconds(60);

    private final KinesisAsyncClient kinesis;

    private StreamAdmin(KinesisAsyncClient kinesis) {
        this.kinesis = kinesis;
    }

    public static StreamAdmin of(KinesisAsyncClient kinesis) {
        return new StreamAdmin(Objects.requireNonNull(kinesis, "kinesis"));
    }

    /** Creates a provisioned stream with {@code shards} shards and waits until it is ACTIVE. */
    public void create(String stream, int shards) {
        join(kinesis.createStream(b -> b.streamName(stream).shardCount(shards)));
        awaitActive(stream);
    }

    /** Waits until the stream is ACTIVE (after a create or reshard). */
    public void awaitActive(String stream) {
        Polling.until(
                "stream " + stream + " to be ACTIVE",
                ACTIVE_TIMEOUT,
                Duration.ofMillis(50),
                () -> status(stream) == StreamStatus.ACTIVE);
    }

    /** The stream's status. */
    public StreamStatus status(String stream) {
        return join(kinesis.describeStreamSummary(b -> b.streamName(stream)))
                .streamDescriptionSummary()
                .streamStatus();
    }

    /** Deletes the stream if it exists and waits until it is gone. */
    public void delete(String stream) {
        try {
            join(kinesis.deleteStream(b -> b.streamName(stream).enforceConsumerDeletion(true)));
        } catch (ResourceNotFoundException e) {
            return;
        }
        Polling.until("stream " + stream + " to be deleted", ACTIVE_TIMEOUT, Duration.ofMillis(50), () -> {
            try {
                status(stream);
                return false;
            } catch (ResourceNotFoundException e) {
                return true;
            }
        });
    }

    /** Every shard of the stream, open and closed, through paged ListShards. */
    public List<Shard> shards(String stream) {
        List<Shard> shards = new ArrayList<>();
        String token = null;
        do {
            ListShardsRequest request = token == null
                    ? ListShardsRequest.builder().streamName(stream).build()
                    : ListShardsRequest.builder().nextToken(token).build();
            ListShardsResponse response = join(kinesis.listShards(request));
            shards.addAll(response.shards());
            token = response.nextToken();
        } while (token != null);
        return shards;
    }

    /**
     * Puts the entries in batches of 500, retrying entries the stream rejected, and returns one result per entry in
     * the order given (each with its shard id and sequence number).
     */
    public List<PutRecordsResultEntry> put(String stream, List<PutRecordsRequestEntry> entries) {
        List<PutRecordsResultEntry> results = new ArrayList<>(entries.size());
        for (int from = 0; from < entries.size(); from += MAX_PUT_BATCH) {
            results.addAll(putBatch(stream, entries.subList(from, Math.min(entries.size(), from + MAX_PUT_BATCH))));
        }
        return results;
    }

    /** Puts one record with the given partition key and data. */
    public PutRecordsResultEntry put(String stream, String partitionKey, byte[] data) {
        return put(
                        stream,
                        List.of(PutRecordsRequestEntry.builder()
                                .partitionKey(partitionKey)
                                .data(SdkBytes.fromByteArray(data))
                                .build()))
                .get(0);
    }

    private List<PutRecordsResultEntry> putBatch(String stream, List<PutRecordsRequestEntry> batch) {
        PutRecordsResultEntry[] results = new PutRecordsResultEntry[batch.size()];
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            pending.add(i);
        }
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            List<PutRecordsRequestEntry> request =
                    pending.stream().map(batch::get).toList();
            PutRecordsResponse response =
                    join(kinesis.putRecords(b -> b.streamName(stream).records(request)));
            List<Integer> failed = new ArrayList<>();
            for (int i = 0; i < request.size(); i++) {
                PutRecordsResultEntry entry = response.records().get(i);
                if (entry.errorCode() == null) {
                    results[pending.get(i)] = entry;
                } else {
                    failed.add(pending.get(i));
                }
            }
            if (!failed.isEmpty() && attempt >= 10) {
                throw new IllegalStateException(failed.size() + " records were still rejected after 10 attempts");
            }
            pending = failed;
            if (!pending.isEmpty()) {
                Polling.pause(Duration.ofMillis(50L * attempt));
            }
        }
        return List.of(results);
    }

    /** Splits a shard at the middle of its hash key range and waits until the stream is ACTIVE again. */
    public void split(String stream, String shardId) {
        Shard shard = shards(stream).stream()
                .filter(s -> s.shardId().equals(shardId))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no shard " + shardId + " in " + stream));
        BigInteger start = new BigInteger(shard.hashKeyRange().startingHashKey());
        BigInteger end = new BigInteger(shard.hashKeyRange().endingHashKey());
        BigInteger middle = start.add(end).shiftRight(1).add(BigInteger.ONE);
        join(kinesis.splitShard(b -> b.streamName(stream).shardToSplit(shardId).newStartingHashKey(middle.toString())));
        awaitActive(stream);
    }

    /** Merges two adjacent shards and waits until the stream is ACTIVE again. */
    public void merge(String stream, String shardId, String adjacentShardId) {
        join(kinesis.mergeShards(
                b -> b.streamName(stream).shardToMerge(shardId).adjacentShardToMerge(adjacentShardId)));
        awaitActive(stream);
    }

    /**
     * Changes the number of open shards with uniform scaling (the service splits or merges as needed; the target must lie
     * between half and double the current count) and waits until the stream is ACTIVE again.
     */
    public void updateShardCount(String stream, int targetShardCount) {
        join(kinesis.updateShardCount(
                b -> b.streamName(stream).targetShardCount(targetShardCount).scalingType(ScalingType.UNIFORM_SCALING)));
        awaitActive(stream);
    }

    /** Waits for an SDK future, unwrapping the SDK's exception from the {@link CompletionException}. */
    static <T> T join(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
