package dev.kcl.aws;

import dev.kcl.DeadLetter;
import dev.kcl.DeadLetterDestination;
import dev.kcl.RetryableKclException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * Dead letters to another Kinesis stream: each record is put with its original partition key, its data the JSON
 * envelope of {@link DeadLetterDestination#toJson} (metadata plus the payload in base64).
 */
public final class KinesisDeadLetters {
    private KinesisDeadLetters() {}

    /** A destination writing to {@code stream} through {@code kinesis} (never closed by kcl). */
    public static DeadLetterDestination stream(KinesisAsyncClient kinesis, String stream) {
        return letters -> put(kinesis, stream, letters);
    }

    private static void put(KinesisAsyncClient kinesis, String stream, List<DeadLetter> letters) {
        for (int from = 0; from < letters.size(); from += 500) {
            List<PutRecordsRequestEntry> entries = letters.subList(from, Math.min(letters.size(), from + 500)).stream()
                    .map(letter -> PutRecordsRequestEntry.builder()
                            .partitionKey(letter.record().partitionKey())
                            .data(SdkBytes.fromUtf8String(DeadLetterDestination.toJson(letter)))
                            .build())
                    .toList();
            PutRecordsResponse response;
            try {
                response = kinesis.putRecords(b -> b.streamName(stream).records(entries))
                        .get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetryableKclException("interrupted writing dead letters to " + stream, e);
            } catch (ExecutionException | TimeoutException e) {
                throw new RetryableKclException(
                        "writing dead letters to " + stream + " failed: " + AwsErrors.describe(e), AwsErrors.unwrap(e));
            }
            if (response.failedRecordCount() != null && response.failedRecordCount() > 0) {
                // all or nothing, so the caller's retry writes every letter (a few may arrive twice)
                throw new RetryableKclException(
                        response.failedRecordCount() + " dead letters were rejected by " + stream, null);
            }
        }
    }
}
