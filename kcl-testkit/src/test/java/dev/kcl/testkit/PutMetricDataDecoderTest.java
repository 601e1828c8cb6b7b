package dev.kcl.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PutMetricDataDecoderTest {

    @Test
    void decodesCborWithTaggedTimestampAndStatisticSet() throws IOException {
        // Given a body as Smithy RPC v2 CBOR encodes it: timestamps are tag 1 with epoch seconds
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator gen = new CBORFactory().createGenerator(out)) {
            gen.writeStartObject();
            gen.writeStringField("Namespace", "kcl");
            gen.writeArrayFieldStart("MetricData");
            gen.writeStartObject();
            gen.writeStringField("MetricName", "RecordsProcessed");
            gen.writeArrayFieldStart("Dimensions");
            gen.writeStartObject();
            gen.writeStringField("Name", "ApplicationName");
            gen.writeStringField("Value", "orders");
            gen.writeEndObject();
            gen.writeEndArray();
            gen.writeFieldName("Timestamp");
            gen.writeTag(1);
            gen.writeNumber(1_700_000_000.5);
            gen.writeObjectFieldStart("StatisticValues");
            gen.writeNumberField("SampleCount", 3.0);
            gen.writeNumberField("Sum", 30.0);
            gen.writeNumberField("Minimum", 5.0);
            gen.writeNumberField("Maximum", 15.0);
            gen.writeEndObject();
            gen.writeStringField("Unit", "Count");
            gen.writeNumberField("StorageResolution", 60);
            gen.writeEndObject();
            gen.writeEndArray();
            gen.writeEndObject();
        }

        // When it is decoded
        List<MetricDatum> data = PutMetricDataDecoder.fromCbor(out.toByteArray());

        // Then every field survives
        assertThat(data).singleElement().satisfies(d -> {
            assertThat(d.namespace()).isEqualTo("kcl");
            assertThat(d.metricName()).isEqualTo("RecordsProcessed");
            assertThat(d.dimensions()).containsExactly(Map.entry("ApplicationName", "orders"));
            assertThat(d.unit()).isEqualTo("Count");
            assertThat(d.value()).isEmpty();
            assertThat(d.statistics()).contains(new MetricDatum.StatisticSet(3, 30, 5, 15));
            assertThat(d.timestamp()).contains(Instant.ofEpochSecond(1_700_000_000L, 500_000_000));
            assertThat(d.storageResolution()).contains(60);
        });
    }

    @Test
    void decodesJson() throws IOException {
        byte[] body = new ObjectMapper()
                .writeValueAsBytes(Map.of(
                        "Namespace",
                        "kcl",
                        "MetricData",
                        List.of(Map.of(
                                "MetricName",
                                "ProcessingLatency",
                                "Values",
                                List.of(1.0, 2.0),
                                "Counts",
                                List.of(10.0, 20.0),
                                "Unit",
                                "Milliseconds",
                                "Timestamp",
                                1_700_000_000))));

        assertThat(PutMetricDataDecoder.fromJson(body)).singleElement().satisfies(d -> {
            assertThat(d.values()).containsExactly(1.0, 2.0);
            assertThat(d.counts()).containsExactly(10.0, 20.0);
            assertThat(d.unit()).isEqualTo("Milliseconds");
            assertThat(d.timestamp()).contains(Instant.ofEpochSecond(1_700_000_000L));
        });
    }

    @Test
    void decodesQueryProtocolWithMemberLists() {
        String body = "Action=PutMetricData&Version=2010-08-01&Namespace=kcl%2Ftest"
                + "&MetricData.member.2.MetricName=LeasesHeld&MetricData.member.2.Value=4"
                + "&MetricData.member.1.MetricName=MillisBehindLatest&MetricData.member.1.Value=12.5"
                + "&MetricData.member.1.Unit=Milliseconds"
                + "&MetricData.member.1.Dimensions.member.1.Name=ShardId"
                + "&MetricData.member.1.Dimensions.member.1.Value=shardId-000000000001"
                + "&MetricData.member.1.Dimensions.member.2.Name=Operation"
                + "&MetricData.member.1.Dimensions.member.2.Value=Poll"
                + "&MetricData.member.1.Timestamp=2024-01-02T03%3A04%3A05Z";

        List<MetricDatum> data = PutMetricDataDecoder.fromQuery(body);

        assertThat(data).extracting(MetricDatum::metricName).containsExactly("MillisBehindLatest", "LeasesHeld");
        assertThat(data.get(0).namespace()).isEqualTo("kcl/test");
        assertThat(data.get(0).value()).contains(12.5);
        assertThat(data.get(0).dimensions())
                .containsExactly(Map.entry("ShardId", "shardId-000000000001"), Map.entry("Operation", "Poll"));
        assertThat(data.get(0).timestamp()).contains(Instant.parse("2024-01-02T03:04:05Z"));
        assertThat(data.get(1).unit()).isEqualTo("None");
        assertThat(data.get(1).value()).isEqualTo(Optional.of(4.0));
    }

    @Test
    void rejectsABodyWithoutNamespace() {
        assertThatThrownBy(() -> PutMetricDataDecoder.fromJson("{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Namespace");
    }
}
