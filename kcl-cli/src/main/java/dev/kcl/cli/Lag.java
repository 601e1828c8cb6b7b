package dev.kcl.cli;

import dev.kcl.aws.AwsErrors;
import dev.kcl.leases.StoredCheckpoint;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * How far behind the tip of its shard each checkpoint is, in milliseconds, as Kinesis reports it
 * ({@code MillisBehindLatest}) for a read starting at the checkpoint: one GetShardIterator and one GetRecords of a
 * single record per shard, all shards at once.
 */
final class Lag {
    /** A shard's lag, or why it is not known. */
    record Result(Optional<Long> millis, Optional<String> problem) {}

    private Lag() {}

    static Map<String, Result> of(
            KinesisAsyncClient kinesis, String stream, Map<String, StoredCheckpoint> checkpoints) {
        Map<String, CompletableFuture<Result>> pending = new HashMap<>();
        checkpoints.forEach((shard, checkpoint) -> pending.put(shard, lag(kinesis, stream, shard, checkpoint)));
        Map<String, Result> results = new HashMap<>();
        pending.forEach((shard, future) -> {
            Result result;
            try {
                result = future.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                result = new Result(Optional.empty(), Optional.of(AwsErrors.describe(e)));
            }
            results.put(shard, result);
        });
        return results;
    }

    private static CompletableFuture<Result> lag(
            KinesisAsyncClient kinesis, String stream, String shard, StoredCheckpoint checkpoint) {
        GetShardIteratorRequest.Builder request =
                GetShardIteratorRequest.builder().streamName(stream).shardId(shard);
        switch (checkpoint.sequenceNumber()) {
            case "TRIM_HORIZON" -> request.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
            case "LATEST" -> {
                return CompletableFuture.completedFuture(new Result(Optional.of(0L), Optional.empty()));
            }
            case StoredCheckpoint.AT_TIMESTAMP -> {
                if (checkpoint.timestamp().isEmpty()) {
                    return CompletableFuture.completedFuture(new Result(
                            Optional.empty(), Optional.of("AT_TIMESTAMP with the application's configured time")));
                }
                request.shardIteratorType(ShardIteratorType.AT_TIMESTAMP)
                        .timestamp(checkpoint.timestamp().get());
            }
            default -> {
                if (!isSequenceNumber(checkpoint.sequenceNumber())) {
                    return CompletableFuture.completedFuture(new Result(Optional.empty(), Optional.empty()));
                }
                // an aggregated record checkpointed part-way is read again from its start
                request.shardIteratorType(
                                checkpoint.subSequenceNumber() > 0
                                        ? ShardIteratorType.AT_SEQUENCE_NUMBER
                                        : ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                        .startingSequenceNumber(checkpoint.sequenceNumber());
            }
        }
        return kinesis.getShardIterator(request.build())
                .thenCompose(iterator -> kinesis.getRecords(
                        b -> b.shardIterator(iterator.shardIterator()).limit(1)))
                .handle((response, failure) -> failure == null
                        ? new Result(Optional.ofNullable(response.millisBehindLatest()), Optional.empty())
                        : new Result(Optional.empty(), Optional.of(AwsErrors.describe(failure))));
    }

    static boolean isSequenceNumber(String value) {
        if (value.isEmpty() || value.length() > 128) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (!Character.isDigit(value.charAt(i))) {
                return false;
            }
        }
        return new BigInteger(value).signum() >= 0;
    }
}
