package dev.kcl.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decodes a {@code PutMetricData} request body in any protocol CloudWatch accepts: Smithy RPC v2 CBOR (what recent
 * AWS SDKs send), AWS JSON 1.0, and the older form-encoded AWS query protocol. All three are turned into the same
 * tree of the model's member names, then into {@link MetricDatum}s.
 */
final class PutMetricDataDecoder {
    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private PutMetricDataDecoder() {}

    static List<MetricDatum> fromCbor(byte[] body) {
        return fromTree(read(CBOR, body));
    }

    static List<MetricDatum> fromJson(byte[] body) {
        return fromTree(read(JSON, body));
    }

    /** Decodes {@code Namespace=..&MetricData.member.1.MetricName=..} into the same tree as the other protocols. */
    static List<MetricDatum> fromQuery(String body) {
        return fromTree(queryTree(body));
    }

    static ObjectNode queryTree(String body) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode root = nodes.objectNode();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            String[] segments = key.split("\\.");
            ObjectNode node = root;
            for (int i = 0; i < segments.length; i++) {
                String segment = segments[i];
                if (i == segments.length - 1) {
                    node.put(segment, value);
                } else if (segments[i + 1].equals("member") && i + 2 < segments.length) {
                    // "Name.member.N" is element N (1-based) of the list "Name"
                    ArrayNode list = node.has(segment) && node.get(segment).isArray()
                            ? (ArrayNode) node.get(segment)
                            : node.putArray(segment);
                    int index = Integer.parseInt(segments[i + 2]) - 1;
                    while (list.size() <= index) {
                        list.addNull();
                    }
                    if (i + 2 == segments.length - 1) {
                        list.set(index, nodes.textNode(value));
                        break;
                    }
                    if (!list.get(index).isObject()) {
                        list.set(index, nodes.objectNode());
                    }
                    node = (ObjectNode) list.get(index);
                    i += 2;
                } else {
                    node = node.has(segment) && node.get(segment).isObject()
                            ? (ObjectNode) node.get(segment)
                            : node.putObject(segment);
                }
            }
        }
        return root;
    }

    private static JsonNode read(ObjectMapper mapper, byte[] body) {
        try {
            return mapper.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("not a PutMetricData body: " + e.getMessage(), e);
        }
    }

    static List<MetricDatum> fromTree(JsonNode root) {
        String namespace = text(root, "Namespace")
                .orElseThrow(() -> new IllegalArgumentException("PutMetricData without a Namespace"));
        List<MetricDatum> data = new ArrayList<>();
        for (JsonNode datum : root.path("MetricData")) {
            Map<String, String> dimensions = new LinkedHashMap<>();
            for (JsonNode dimension : datum.path("Dimensions")) {
                dimensions.put(
                        dimension.path("Name").asText(), dimension.path("Value").asText());
            }
            Optional<MetricDatum.StatisticSet> statistics = Optional.empty();
            JsonNode stats = datum.get("StatisticValues");
            if (stats != null && stats.isContainerNode()) {
                statistics = Optional.of(new MetricDatum.StatisticSet(
                        number(stats, "SampleCount").orElse(0.0),
                        number(stats, "Sum").orElse(0.0),
                        number(stats, "Minimum").orElse(0.0),
                        number(stats, "Maximum").orElse(0.0)));
            }
            data.add(new MetricDatum(
                    namespace,
                    text(datum, "MetricName")
                            .orElseThrow(() -> new IllegalArgumentException("MetricDatum without a MetricName")),
                    dimensions,
                    text(datum, "Unit").orElse("None"),
                    number(datum, "Value"),
                    statistics,
                    numbers(datum.path("Values")),
                    numbers(datum.path("Counts")),
                    timestamp(datum.get("Timestamp")),
                    number(datum, "StorageResolution").map(Double::intValue)));
        }
        return data;
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }

    private static Optional<Double> number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        return Optional.of(value.isNumber() ? value.doubleValue() : Double.parseDouble(value.asText()));
    }

    private static List<Double> numbers(JsonNode array) {
        List<Double> out = new ArrayList<>();
        for (JsonNode value : array) {
            out.add(value.isNumber() ? value.doubleValue() : Double.parseDouble(value.asText()));
        }
        return out;
    }

    /** Epoch seconds (CBOR tag 1, JSON number) or an ISO-8601 string (query). */
    private static Optional<Instant> timestamp(JsonNode value) {
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (value.isNumber()) {
            BigDecimal seconds = value.decimalValue();
            long whole = seconds.longValue();
            int nanos = seconds.subtract(BigDecimal.valueOf(whole))
                    .movePointRight(9)
                    .intValue();
            return Optional.of(Instant.ofEpochSecond(whole, nanos));
        }
        return Optional.of(Instant.parse(value.asText()));
    }
}
