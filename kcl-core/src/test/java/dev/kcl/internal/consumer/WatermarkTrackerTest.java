package dev.kcl.internal.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kcl.KinesisRecord;
import dev.kcl.checkpoint.Checkpoint;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Random completion orders never put the watermark past an unfinished record. */
class WatermarkTrackerTest {

    static LongStream seeds() {
        return LongStream.range(0, 500);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theWatermarkNeverPassesAnUnfinishedRecord(long seed) {
        Random random = new Random(seed);
        int size = 1 + random.nextInt(300);
        List<KinesisRecord> records = new ArrayList<>();
        long sequence = 1000;
        for (int i = 0; i < size; i++) {
            // aggregated records share a sequence number and differ by sub-sequence number
            int subs = random.nextInt(5) == 0 ? 1 + random.nextInt(4) : 1;
            sequence += 1 + random.nextInt(3);
            for (int sub = 0; sub < subs && records.size() < size; sub++) {
                records.add(new KinesisRecord(
                        "k",
                        Long.toString(sequence),
                        subs > 1 ? sub : 0,
                        Instant.EPOCH,
                        ByteBuffer.allocate(0),
                        Optional.empty(),
                        subs > 1));
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        int stopAt = random.nextInt(records.size() + 1); // some records never finish

        WatermarkTracker tracker = new WatermarkTracker(records);
        boolean[] finished = new boolean[records.size()];
        for (int step = 0; step < stopAt; step++) {
            tracker.complete(order.get(step));
            finished[order.get(step)] = true;
            Optional<Checkpoint.After> watermark = tracker.watermark();
            for (int i = 0; i < records.size(); i++) {
                if (!finished[i] && watermark.isPresent()) {
                    KinesisRecord r = records.get(i);
                    assertThat(Checkpoint.After.of(r.sequenceNumber(), r.subSequenceNumber()))
                            .as("seed %d: unfinished record %d is after the watermark", seed, i)
                            .isGreaterThan(watermark.get());
                }
            }
        }

        int expectedPrefix = 0;
        while (expectedPrefix < finished.length && finished[expectedPrefix]) {
            expectedPrefix++;
        }
        assertThat(tracker.watermark().isPresent()).isEqualTo(expectedPrefix > 0);
        assertThat(tracker.unfinished()).hasSize(records.size() - stopAt);
        assertThat(tracker.allDone()).isEqualTo(stopAt == records.size());
    }
}
