package dev.kcl.metrics;

/** Every metric kcl records; docs/metrics.md gives each one's unit, dimensions and level. */
public final class MetricNames {
    private MetricNames() {}

    public static final String RECORDS_PROCESSED = "RecordsProcessed";
    public static final String BYTES_PROCESSED = "BytesProcessed";
    public static final String PROCESSING_LATENCY = "ProcessingLatency";
    public static final String MILLIS_BEHIND_LATEST = "MillisBehindLatest";
    public static final String PROCESSOR_FAILURES = "ProcessorFailures";
    public static final String SHARD_END_NOT_CHECKPOINTED = "ShardEndNotCheckpointed";
    public static final String RECORDS_DEAD_LETTERED = "RecordsDeadLettered";
    public static final String RECORDS_SKIPPED = "RecordsSkipped";
    /** Shards that could not start because the checkpoint stored in their lease cannot be read from. */
    public static final String UNUSABLE_CHECKPOINTS = "UnusableCheckpoints";

    public static final String GET_RECORDS_SUCCESS = "GetRecordsSuccess";
    public static final String GET_RECORDS_THROTTLED = "GetRecordsThrottled";
    public static final String GET_RECORDS_ERRORS = "GetRecordsErrors";
    public static final String SUBSCRIBE_TO_SHARD_SUCCESS = "SubscribeToShardSuccess";
    public static final String SUBSCRIBE_TO_SHARD_THROTTLED = "SubscribeToShardThrottled";
    public static final String SUBSCRIBE_TO_SHARD_ERRORS = "SubscribeToShardErrors";

    public static final String LEASES_HELD = "LeasesHeld";
    public static final String LEASES_TAKEN = "LeasesTaken";
    public static final String LEASES_LOST = "LeasesLost";
    public static final String LEASES_HANDED_OFF = "LeasesHandedOff";
    public static final String WORKER_HEARTBEAT_AGE = "WorkerHeartbeatAge";

    public static final String CHECKPOINT_SUCCESS = "CheckpointSuccess";
    public static final String CHECKPOINT_FAILURE = "CheckpointFailure";

    public static final String RECORDS_DEAGGREGATED = "RecordsDeaggregated";
    public static final String MALFORMED_AGGREGATED_RECORDS = "MalformedAggregatedRecords";

    /** Data points a sink dropped because its backend was unreachable for too long. */
    public static final String METRICS_DROPPED = "MetricsDropped";

    /** Dimension names. */
    public static final String APPLICATION = "ApplicationName";

    public static final String SHARD = "ShardId";
    public static final String WORKER = "WorkerId";
}
