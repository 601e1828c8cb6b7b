package dev.kcl;

import java.util.Objects;

/**
 * A partial batch response: throw it from {@link RecordProcessor#processRecords} to say the records before
 * {@link #record()} succeeded and this one failed. kcl records that the earlier ones are done (as a checkpoint just
 * before this record) and applies the failure policy to this record and the rest of the batch only, as AWS Lambda's
 * ReportBatchItemFailures does. The checkpoint never passes an unfinished record.
 */
public class RecordFailedException extends KclException {
    private static final long serialVersionUID = 1L;

    private final transient KinesisRecord record;

    public RecordFailedException(KinesisRecord record, Throwable cause) {
        super(
                "record " + Objects.requireNonNull(record, "record").sequenceNumber()
                        + (record.subSequenceNumber() == 0 ? "" : "/" + record.subSequenceNumber()) + " failed",
                cause);
        this.record = record;
    }

    /** The first record of the batch that did not succeed. */
    public KinesisRecord record() {
        return record;
    }
}
