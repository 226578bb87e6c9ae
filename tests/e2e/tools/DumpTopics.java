// Dump every (non-internal) Kafka topic from the beginning as JSON lines, one
// record per line, with the exact raw key/value bytes kept as JSON strings:
//   {"topic":"..","partition":0,"offset":12,"key":"<raw>"|null,"value":"<raw>"|null}
// plus "headers":[{"key":"..","value":"<raw>"|null},..] when the record has headers,
// and "timestamp":<ms> (the record's timestamp) with --timestamps.
//
// Run with the Kafka jars on the class path (Java source-file mode, no build step):
//   java -cp "$JARS/kafka/*" tests/e2e/tools/DumpTopics.java \
//        --bootstrap 127.0.0.1:9092 --out all.jsonl \
//        [--wait-topic T --wait-token S]... [--quiet-topic-prefix P]... [--timeout 120]
//        [--timestamps]
//
// --wait-topic/--wait-token: before dumping, wait until topic T holds a record whose
//   value contains S (repeatable, paired in order). Then wait until the end offsets of
//   all topics (except those starting with a --quiet-topic-prefix, e.g. heartbeats)
//   have been stable for 2 s, so nothing still in flight is missed.
// Topics starting with "__" are skipped, except "__debezium-heartbeat*".
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.*;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

public class DumpTopics {
    static String bootstrap;
    static String out;
    static long timeoutMs = 120_000;
    static final List<String> waitTopics = new ArrayList<>();
    static final List<String> waitTokens = new ArrayList<>();
    static final List<String> quietPrefixes = new ArrayList<>();
    static boolean timestamps = false;

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--timestamps")) { timestamps = true; continue; }
            String v = (i + 1 < args.length) ? args[i + 1] : null;
            if (v == null) die("missing value for " + a);
            switch (a) {
                case "--bootstrap": bootstrap = v; break;
                case "--out": out = v; break;
                case "--timeout": timeoutMs = Long.parseLong(v) * 1000; break;
                case "--wait-topic": waitTopics.add(v); break;
                case "--wait-token": waitTokens.add(v); break;
                case "--quiet-topic-prefix": quietPrefixes.add(v); break;
                default: die("unknown argument " + a);
            }
            i++;
        }
        if (bootstrap == null || out == null) die("--bootstrap and --out are required");
        if (waitTopics.size() != waitTokens.size()) die("--wait-topic and --wait-token must be paired");
        long deadline = System.currentTimeMillis() + timeoutMs;

        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 * 1024 * 1024));
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");

        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            for (int i = 0; i < waitTopics.size(); i++) {
                waitForToken(c, waitTopics.get(i), waitTokens.get(i), deadline);
                log("found marker in " + waitTopics.get(i));
            }
            List<TopicPartition> parts = waitForQuiet(c, deadline);
            int n = dump(c, parts, deadline);
            log("wrote " + n + " records from " + parts.size() + " partitions to " + out);
        }
    }

    static void log(String m) { System.err.println("[dump-topics] " + m); }
    static void die(String m) { System.err.println("[dump-topics] ERROR: " + m); System.exit(2); }

    static boolean wanted(String topic) {
        return !topic.startsWith("__") || topic.startsWith("__debezium-heartbeat");
    }

    static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c) {
        List<TopicPartition> r = new ArrayList<>();
        for (Map.Entry<String, List<PartitionInfo>> e : c.listTopics(Duration.ofSeconds(15)).entrySet()) {
            if (!wanted(e.getKey())) continue;
            for (PartitionInfo pi : e.getValue()) r.add(new TopicPartition(pi.topic(), pi.partition()));
        }
        r.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        return r;
    }

    static void waitForToken(KafkaConsumer<byte[], byte[]> c, String topic, String token, long deadline)
            throws InterruptedException {
        byte[] needle = token.getBytes(StandardCharsets.UTF_8);
        while (true) {
            if (System.currentTimeMillis() > deadline) die("timed out waiting for the marker in topic " + topic);
            List<PartitionInfo> infos = c.listTopics(Duration.ofSeconds(15)).get(topic);
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> tps = new ArrayList<>();
                for (PartitionInfo pi : infos) tps.add(new TopicPartition(topic, pi.partition()));
                c.assign(tps);
                c.seekToBeginning(tps);
                Map<TopicPartition, Long> end = c.endOffsets(tps);
                while (!reached(c, end) && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(500))) {
                        if (rec.value() != null && indexOf(rec.value(), needle) >= 0) { c.unsubscribe(); return; }
                    }
                }
                c.unsubscribe();
            }
            Thread.sleep(500);
        }
    }

    static List<TopicPartition> waitForQuiet(KafkaConsumer<byte[], byte[]> c, long deadline)
            throws InterruptedException {
        Map<TopicPartition, Long> prev = null;
        long stableSince = 0;
        while (true) {
            if (System.currentTimeMillis() > deadline) die("timed out waiting for topics to settle");
            List<TopicPartition> parts = partitions(c);
            Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(parts));
            end.keySet().removeIf(tp -> quietPrefixes.stream().anyMatch(pre -> tp.topic().startsWith(pre)));
            long now = System.currentTimeMillis();
            if (!end.equals(prev)) { prev = end; stableSince = now; }
            else if (now - stableSince >= 2000) return parts;
            Thread.sleep(500);
        }
    }

    static boolean reached(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet())
            if (c.position(e.getKey()) < e.getValue()) return false;
        return true;
    }

    static int dump(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> parts, long deadline) throws IOException {
        c.assign(parts);
        c.seekToBeginning(parts);
        Map<TopicPartition, Long> end = c.endOffsets(parts);
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> got = new HashMap<>();
        while (!reached(c, end)) {
            if (System.currentTimeMillis() > deadline) die("timed out reading topics to their end offsets");
            ConsumerRecords<byte[], byte[]> recs = c.poll(Duration.ofMillis(500));
            for (ConsumerRecord<byte[], byte[]> r : recs) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                if (r.offset() < end.get(tp)) got.computeIfAbsent(tp, k -> new ArrayList<>()).add(r);
            }
        }
        int n = 0;
        JsonFactory f = new JsonFactory();
        try (OutputStream os = new BufferedOutputStream(new FileOutputStream(out))) {
            for (TopicPartition tp : parts) {
                for (ConsumerRecord<byte[], byte[]> r : got.getOrDefault(tp, List.of())) {
                    JsonGenerator g = f.createGenerator(os, JsonEncoding.UTF8);
                    g.writeStartObject();
                    g.writeStringField("topic", r.topic());
                    g.writeNumberField("partition", r.partition());
                    g.writeNumberField("offset", r.offset());
                    writeRaw(g, "key", r.key());
                    writeRaw(g, "value", r.value());
                    if (timestamps) g.writeNumberField("timestamp", r.timestamp());
                    Header[] hs = r.headers().toArray();
                    if (hs.length > 0) {
                        g.writeArrayFieldStart("headers");
                        for (Header h : hs) {
                            g.writeStartObject();
                            g.writeStringField("key", h.key());
                            writeRaw(g, "value", h.value());
                            g.writeEndObject();
                        }
                        g.writeEndArray();
                    }
                    g.writeEndObject();
                    g.flush();
                    os.write('\n');
                    n++;
                }
            }
        }
        return n;
    }

    static void writeRaw(JsonGenerator g, String name, byte[] b) throws IOException {
        if (b == null) { g.writeNullField(name); return; }
        // Debezium's JSON converter emits UTF-8; refuse to silently mangle anything else.
        java.nio.charset.CharsetDecoder d = StandardCharsets.UTF_8.newDecoder();
        try {
            g.writeStringField(name, d.decode(java.nio.ByteBuffer.wrap(b)).toString());
        } catch (java.nio.charset.CharacterCodingException e) {
            die("record field " + name + " is not valid UTF-8");
        }
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
