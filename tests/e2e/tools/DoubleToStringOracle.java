// Java's Double.toString for a spread of doubles, to pin udf/javanum.c
// (tests/unit/test_javanum.c) to the JVM that the e2e stack's Kafka Connect
// worker runs (Java 17; Java 19 changed the digits).  One line per value:
// the IEEE bits in hex, a space, Double.toString.
//   java tests/e2e/tools/DoubleToStringOracle.java SEED COUNT > tests/fixtures/outbox/doubles-java17.txt
import java.util.Random;

public class DoubleToStringOracle {
    public static void main(String[] args) {
        Random r = new Random(Long.parseLong(args[0]));
        int n = Integer.parseInt(args[1]);
        double[] near = {1e-3, 1e7, 1e-4, 1e8, 0.1, 1.0, 10.0, 100.0, 1e16, 1e17, 1e18, 1e19, 9.223372036854776E18};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            double d;
            switch (i % 8) {
                case 0: d = Double.longBitsToDouble(r.nextLong()); break;                            // any bits
                case 1: d = Double.longBitsToDouble(r.nextLong() & 0x000fffffffffffffL); break;      // subnormals
                case 2: d = (double) (r.nextLong() >> r.nextInt(63)); break;                         // integers
                case 3: d = Math.scalb(1.0, r.nextInt(2098) - 1074); break;                          // powers of two
                case 4: {                                                                             // decimal literals
                    StringBuilder t = new StringBuilder();
                    int digits = 1 + r.nextInt(17);
                    for (int j = 0; j < digits; j++) t.append((char) ('0' + r.nextInt(10)));
                    d = Double.parseDouble(t.append('e').append(r.nextInt(640) - 330).toString());
                    break;
                }
                case 5: d = Math.nextUp(Math.scalb(1.0, r.nextInt(2098) - 1074)) * (r.nextBoolean() ? 1 : -1); break;
                case 6: {                                                                             // layout boundaries
                    d = near[r.nextInt(near.length)];
                    int steps = r.nextInt(5) - 2;
                    for (int j = 0; j < Math.abs(steps); j++) d = steps > 0 ? Math.nextUp(d) : Math.nextDown(d);
                    break;
                }
                default: d = r.nextInt(100000) / Math.pow(10, r.nextInt(8)); break;                  // prices, ratios
            }
            if (Double.isNaN(d)) continue;
            sb.append(Long.toHexString(Double.doubleToRawLongBits(d))).append(' ').append(Double.toString(d)).append('\n');
        }
        System.out.print(sb);
    }
}
