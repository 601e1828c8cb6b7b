package dev.kcl.spi;

import dev.kcl.time.TaskScheduler;
import dev.kcl.time.Ticker;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * What a worker gives its retrieval: the client and stream, and its timer thread for delays. Adapter-facing: it is
 * where the AWS client reaches the retrieval implementations.
 *
 * @param timer for scheduling waits; shared by the worker, so tasks on it must be short
 * @param metrics where sources report their calls and lag
 */
public record RetrievalContext(
        KinesisAsyncClient kinesis,
        String streamName,
        String streamArn,
        String applicationName,
        String workerId,
        TaskScheduler timer,
        Ticker ticker,
        RetrievalMetrics metrics) {}
