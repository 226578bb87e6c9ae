// The real outbox EventRouter (Debezium 3.1.3) run offline over hand-written
// cases, to produce tests/fixtures/outbox/eventrouter.jsonl: for each case the
// raw change message Debezium writes (JSON converter, with and without the
// schema envelope) and the record the SMT makes of it, as the worker would
// send it (JSON converter with schemas.enable=false for key and value,
// SimpleHeaderConverter for headers, the producer's checks of the topic name
// and timestamp).  test_outbox.c holds outbox_route to every line.
//
// Run with the e2e jars (tests/e2e/fetch-jars.sh) on the class path:
//   J=$(tests/e2e/fetch-jars.sh)
//   java -cp "$J/kafka/*:$J/plugins/debezium-connector-postgres/*" \
//        tests/e2e/tools/EventRouterOracle.java tests/fixtures/outbox/cases.jsonl \
//        > tests/fixtures/outbox/eventrouter.jsonl
//
// A case (one JSON object per line; lines starting with // are comments):
//   {"name":"…", "config":{"route.by.field":"…",…},
//    "columns":["id:uuid","aggregatetype:string",…]   (default: DEFAULT_COLUMNS)
//    "op":"c", "after":{column: value,…}, "ts_ms":N}
// or "tombstone":true.  Column types: uuid string json zoned enum int16 int32
// int64 float32 float64 boolean bytes (base64) decimal:S (a string) vsdecimal
// ({"scale":S,"value":"…"}) timestamp micro_timestamp nano_timestamp date
// connect_date connect_time connect_timestamp (ms) string[] int32[]
// struct (an object of string fields).  A ! after the type makes the column
// required (an "id:uuid" column always is).  "schema_only":true marks a case whose result
// depends on the schema envelope (test_outbox.c then runs only the message
// with the envelope); it is copied to the output line.
import java.io.*;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.connect.data.*;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.apache.kafka.connect.util.ConnectUtils;

import io.debezium.transforms.outbox.EventRouter;

public class EventRouterOracle {
    static final String TOPIC = "dbserver1.public.outbox";
    static final String[] DEFAULT_COLUMNS = {"id:uuid", "aggregatetype:string", "aggregateid:string", "type:string", "payload:json"};
    static final ObjectMapper M = new ObjectMapper();

    static Schema columnSchema(String type) {
        boolean required = type.endsWith("!");
        if (required) type = type.substring(0, type.length() - 1);
        SchemaBuilder b;
        if (type.startsWith("decimal:")) b = Decimal.builder(Integer.parseInt(type.substring(8)));
        else switch (type) {
            case "uuid": b = SchemaBuilder.string().name("io.debezium.data.Uuid").version(1); break;
            case "string": b = SchemaBuilder.string(); break;
            case "json": b = SchemaBuilder.string().name("io.debezium.data.Json").version(1); break;
            case "zoned": b = SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").version(1); break;
            case "enum": b = SchemaBuilder.string().name("io.debezium.data.Enum").version(1).parameter("allowed", "a,b"); break;
            case "int16": b = SchemaBuilder.int16(); break;
            case "int32": b = SchemaBuilder.int32(); break;
            case "int64": b = SchemaBuilder.int64(); break;
            case "float32": b = SchemaBuilder.float32(); break;
            case "float64": b = SchemaBuilder.float64(); break;
            case "boolean": b = SchemaBuilder.bool(); break;
            case "bytes": b = SchemaBuilder.bytes(); break;
            case "vsdecimal": b = SchemaBuilder.struct().name("io.debezium.data.VariableScaleDecimal").version(1)
                    .field("scale", Schema.INT32_SCHEMA).field("value", Schema.BYTES_SCHEMA); break;
            case "timestamp": b = SchemaBuilder.int64().name("io.debezium.time.Timestamp").version(1); break;
            case "micro_timestamp": b = SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").version(1); break;
            case "nano_timestamp": b = SchemaBuilder.int64().name("io.debezium.time.NanoTimestamp").version(1); break;
            case "date": b = SchemaBuilder.int32().name("io.debezium.time.Date").version(1); break;
            case "connect_date": b = org.apache.kafka.connect.data.Date.builder(); break;
            case "connect_time": b = Time.builder(); break;
            case "connect_timestamp": b = Timestamp.builder(); break;
            case "string[]": b = SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA); break;
            case "int32[]": b = SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA); break;
            case "struct": b = SchemaBuilder.struct().name("outbox.meta").field("a", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("b", Schema.OPTIONAL_STRING_SCHEMA); break;
            default: throw new IllegalArgumentException("unknown column type " + type);
        }
        if (!required) b.optional();
        return b.build();
    }

    static Object value(Schema s, JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (Decimal.LOGICAL_NAME.equals(s.name())) return new BigDecimal(v.asText()).setScale(Integer.parseInt(s.parameters().get(Decimal.SCALE_FIELD)));
        if (org.apache.kafka.connect.data.Date.LOGICAL_NAME.equals(s.name()) || Time.LOGICAL_NAME.equals(s.name())
                || Timestamp.LOGICAL_NAME.equals(s.name())) return new java.util.Date(v.asLong());
        switch (s.type()) {
            case STRING: return v.asText();
            case INT16: return (short) v.asInt();
            case INT32: return v.asInt();
            case INT64: return v.asLong();
            case FLOAT32: return (float) v.asDouble();
            case FLOAT64: return v.asDouble();
            case BOOLEAN: return v.asBoolean();
            case BYTES: return Base64.getDecoder().decode(v.asText());
            case ARRAY: {
                List<Object> l = new ArrayList<>();
                for (JsonNode e : v) l.add(value(s.valueSchema(), e));
                return l;
            }
            case STRUCT: {
                Struct st = new Struct(s);
                for (Field f : s.fields()) st.put(f, value(f.schema(), v.get(f.name())));
                return st;
            }
            default: throw new IllegalArgumentException("type " + s.type());
        }
    }

    static Schema sourceSchema() {
        return SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
                .field("version", Schema.STRING_SCHEMA).field("connector", Schema.STRING_SCHEMA)
                .field("name", Schema.STRING_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA)
                .field("db", Schema.STRING_SCHEMA).field("schema", Schema.STRING_SCHEMA)
                .field("table", Schema.STRING_SCHEMA).field("txId", Schema.OPTIONAL_INT64_SCHEMA)
                .field("lsn", Schema.OPTIONAL_INT64_SCHEMA).build();
    }

    static JsonConverter converter(boolean schemas, boolean isKey) {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", String.valueOf(schemas)), isKey);
        return c;
    }

    static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws Exception {
        JsonConverter withSchema = converter(true, false), plain = converter(false, false);
        JsonConverter keyOut = converter(false, true), valueOut = converter(false, false);
        SimpleHeaderConverter headerOut = new SimpleHeaderConverter();
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
        for (String line : Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("//")) continue;
            JsonNode c = M.readTree(line);
            ObjectNode res = M.createObjectNode();
            res.set("name", c.get("name"));
            res.set("config", c.has("config") ? c.get("config") : M.createObjectNode());
            if (c.path("schema_only").asBoolean(false)) res.put("schema_only", true);

            // The change event, as the connector builds it.
            Schema envSchema = null;
            Struct env = null;
            if (!c.path("tombstone").asBoolean(false)) {
                SchemaBuilder row = SchemaBuilder.struct().name(TOPIC + ".Value").optional();
                List<String> cols = new ArrayList<>();
                if (c.has("columns")) c.get("columns").forEach(n -> cols.add(n.asText()));
                else cols.addAll(Arrays.asList(DEFAULT_COLUMNS));
                for (String col : cols) {
                    String[] p = col.split(":", 2);
                    row.field(p[0], columnSchema(p[0].equals("id") && p[1].equals("uuid") ? "uuid!" : p[1]));
                }
                Schema rowSchema = row.build();
                Schema src = sourceSchema();
                envSchema = SchemaBuilder.struct().name(TOPIC + ".Envelope").version(2)
                        .field("before", rowSchema).field("after", rowSchema).field("source", src)
                        .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
                env = new Struct(envSchema);
                for (String img : new String[]{"before", "after"}) {
                    if (!c.has(img) || c.get(img).isNull()) continue;
                    Struct r = new Struct(rowSchema);
                    for (Field f : rowSchema.fields()) r.put(f, value(f.schema(), c.get(img).get(f.name())));
                    env.put(img, r);
                }
                Struct s = new Struct(src).put("version", "3.1.3.Final").put("connector", "postgresql")
                        .put("name", "dbserver1").put("ts_ms", 1700000000000L).put("db", "app")
                        .put("schema", "public").put("table", "outbox").put("txId", 777L).put("lsn", 24023128L);
                env.put("source", s).put("op", c.path("op").asText("c"));
                if (c.has("ts_ms")) env.put("ts_ms", c.get("ts_ms").isNull() ? null : c.get("ts_ms").asLong());
                else env.put("ts_ms", 1700000000123L);
            }
            res.put("message", text(withSchema.fromConnectData(TOPIC, envSchema, env)));
            res.put("plain", text(plain.fromConnectData(TOPIC, envSchema, env)));

            ObjectNode r = res.putObject("result");
            try {
                EventRouter<SourceRecord> smt = new EventRouter<>();
                Map<String, String> cfg = new HashMap<>();
                c.path("config").fields().forEachRemaining(e -> cfg.put(e.getKey(), e.getValue().asText()));
                smt.configure(cfg);
                SourceRecord in = new SourceRecord(Map.of(), Map.of(), TOPIC, null, null, null, envSchema, env, 1L);
                SourceRecord o = smt.apply(in);
                if (o == null) {
                    r.put("dropped", true);
                } else {
                    // What the worker and the producer do with the record.
                    Topic.validate(o.topic());
                    Long ts = ConnectUtils.checkAndConvertTimestamp(o.timestamp());
                    byte[] key = keyOut.fromConnectData(o.topic(), o.keySchema(), o.key());
                    byte[] val = valueOut.fromConnectData(o.topic(), o.valueSchema(), o.value());
                    r.put("topic", o.topic());
                    if (o.kafkaPartition() == null) r.putNull("partition");
                    else r.put("partition", o.kafkaPartition());
                    r.put("key", text(key));
                    r.put("value", text(val));
                    if (ts == null) r.putNull("timestamp");
                    else r.put("timestamp", ts);
                    ArrayNode hs = r.putArray("headers");
                    for (Header h : o.headers()) {
                        ArrayNode kv = hs.addArray();
                        kv.add(h.key());
                        kv.add(text(headerOut.fromConnectHeader(o.topic(), h.key(), h.schema(), h.value())));
                    }
                }
            } catch (Exception e) {
                r.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            out.println(M.writeValueAsString(res));
        }
    }
}
