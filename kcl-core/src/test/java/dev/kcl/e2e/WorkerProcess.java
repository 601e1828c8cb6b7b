package dev.kcl.e2e;

import dev.kcl.InitialPosition;
import dev.kcl.KinesisRecord;
import dev.kcl.LeaseLostException;
import dev.kcl.ProcessRecordsInput;
import dev.kcl.RecordProcessor;
import dev.kcl.ShardEndedInput;
import dev.kcl.ShutdownRequestedInput;
import dev.kcl.Worker;
import dev.kcl.testkit.AwsClients;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * A worker in its own JVM, for tests where a crash matters: appends every delivery to a ledger file (flushed before
 * each checkpoint) and checkpoints after each batch. A ledger line is: worker, shard, sequence number, data, and the
 * wall-clock millisecond of delivery.
 *
 * <p>Arguments: kinesis endpoint, dynamodb endpoint, stream, application, worker id, ledger file, failover seconds,
 * and optionally milliseconds each batch takes before it is written to the ledger (a slow processor).
 *
 * <p>A test can hold batches in the middle: while a file named like the ledger with {@code .hold} appended exists,
 * each batch waits (after its delay, before the ledger) and its shard is appended to {@code <ledger>.held} once.
 */
public final class WorkerProcess {
    private WorkerProcess() {}

    /**
     * Checkpoints a delivered batch and journals the outcome beside the ledger, one line per batch: worker, shard, first
     * and last sequence number of the batch, its record count, the outcome ({@code ok}, {@code lost} when the lease had
     * moved on, or the name of the exception the checkpoint failed with), and the time.
     */
    private static void checkpointAfterBatch(
            ProcessRecordsInput input, String id, String shardId, BufferedWriter journal) {
        String outcome = "ok";
        try {
            input.checkpointer().checkpoint();
        } catch (LeaseLostException e) {
            outcome = "lost";
            throw e;
        } catch (RuntimeException e) {
            outcome = e.getClass().getSimpleName();
            throw e;
        } finally {
            if (!input.records().isEmpty()) {
                synchronized (journal) {
                    try {
                        journal.write(id + " " + shardId + " "
                                + input.records().get(0).sequenceNumber() + " "
                                + input.records()
                                        .get(input.records().size() - 1)
                                        .sequenceNumber() + " "
                                + input.records().size() + " " + outcome + " " + System.currentTimeMillis() + "\n");
                        journal.flush();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
    }

    /** Records that the batch of this shard is held, then waits until the hold file is gone. */
    private static void waitWhileHeld(Path hold, Path held, String shardId) {
        try {
            synchronized (WorkerProcess.class) {
                Files.writeString(
                        held,
                        shardId + "\n",
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            while (Files.exists(hold)) {
                Thread.sleep(10);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) throws Exception {
        URI kinesis = URI.create(args[0]);
        URI dynamo = URI.create(args[1]);
        String id = args[4];
        Path ledger = Path.of(args[5]);
        long batchMillis = args.length > 7 ? Long.parseLong(args[7]) : 0;
        Path hold = Path.of(args[5] + ".hold");
        Path held = Path.of(args[5] + ".held");
        BufferedWriter out = Files.newBufferedWriter(
                ledger, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        BufferedWriter checkpoints = Files.newBufferedWriter(
                Path.of(args[5] + ".checkpoints"),
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        Worker worker = Worker.builder()
                .kinesis(AwsClients.kinesisHttp1(kinesis))
                .dynamoDb(AwsClients.dynamoDb(dynamo))
                .streamName(args[2])
                .applicationName(args[3])
                .workerId(id)
                .failoverTime(Duration.ofSeconds(Integer.parseInt(args[6])))
                .initialPosition(InitialPosition.trimHorizon())
                .processorFactory(shardId -> new RecordProcessor() {
                    @Override
                    public void processRecords(ProcessRecordsInput input) {
                        if (batchMillis > 0) {
                            try {
                                Thread.sleep(batchMillis);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                        }
                        if (Files.exists(hold)) {
                            waitWhileHeld(hold, held, shardId);
                        }
                        synchronized (out) {
                            try {
                                for (KinesisRecord record : input.records()) {
                                    out.write(id + " " + shardId + " " + record.sequenceNumber() + " "
                                            + record.dataAsString() + " " + System.currentTimeMillis() + "\n");
                                }
                                out.flush();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }
                        checkpointAfterBatch(input, id, shardId, checkpoints);
                    }

                    @Override
                    public void shardEnded(ShardEndedInput input) {
                        input.checkpointer().checkpoint();
                    }

                    @Override
                    public void shutdownRequested(ShutdownRequestedInput input) {
                        input.checkpointer().checkpoint();
                    }
                })
                .build();
        worker.shutdownOnJvmExit(Duration.ofSeconds(20));
        worker.start();
        System.out.println("started " + id);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
