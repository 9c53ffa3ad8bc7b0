package dev.modelmanager.rest.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Random JSON values for fuzzing request schemas, from one seeded {@link Random}: every type, and the sizes and
 * values that break parsers and validators (empty, huge, negative, fractional, non-finite-looking, unicode,
 * control characters, deep nesting).
 */
final class JsonFuzz {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> ODD_TEXTS = List.of("", " ", "default", "null", "true", "0", "-1", "1e400",
        "NaN", "\u0000", "\n\r\t", "é", "日本語のテキスト", "🦙🦙", "\u202Eevil", "\u200B", "a/b", "../../etc/passwd",
        "%2F", "${env:HOME}", "$[secret:x]", "<script>", "' OR 1=1 --", "\\", "\"", "{}", "[]", "x".repeat(300));

    private final Random random;

    JsonFuzz(Random random) {
        this.random = random;
    }

    boolean chance(double p) {
        return random.nextDouble() < p;
    }

    int below(int n) {
        return random.nextInt(n);
    }

    <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** Any JSON value, nested at most {@code depth} more levels. */
    JsonNode value(int depth) {
        int kind = random.nextInt(depth > 0 ? 9 : 7);
        return switch (kind) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> integer();
            case 3 -> fraction();
            case 4, 5 -> NODES.textNode(text());
            case 6 -> NODES.textNode(pick(ODD_TEXTS));
            case 7 -> array(depth - 1);
            default -> object(depth - 1);
        };
    }

    JsonNode integer() {
        return switch (random.nextInt(7)) {
            case 0 -> NODES.numberNode(0);
            case 1 -> NODES.numberNode(-1 - random.nextInt(1000));
            case 2 -> NODES.numberNode(random.nextInt(5000));
            case 3 -> NODES.numberNode(Integer.MAX_VALUE);
            case 4 -> NODES.numberNode(Long.MIN_VALUE);
            case 5 -> NODES.numberNode(new BigInteger(90, random).multiply(BigInteger.TEN.pow(random.nextInt(8))));
            default -> NODES.numberNode(random.nextLong());
        };
    }

    JsonNode fraction() {
        return switch (random.nextInt(6)) {
            case 0 -> NODES.numberNode(random.nextDouble());
            case 1 -> NODES.numberNode(-random.nextDouble() * 1e6);
            case 2 -> NODES.numberNode(new BigDecimal("1e400"));
            case 3 -> NODES.numberNode(new BigDecimal("-1e-400"));
            case 4 -> NODES.numberNode(Double.MAX_VALUE);
            default -> NODES.numberNode(0.5 + random.nextInt(3));
        };
    }

    String text() {
        int length = switch (random.nextInt(10)) {
            case 0 -> 0;
            case 1 -> 1000 + random.nextInt(5000);
            default -> 1 + random.nextInt(24);
        };
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.appendCodePoint(switch (random.nextInt(12)) {
                case 0 -> random.nextInt(32);               // control characters
                case 1 -> 0x80 + random.nextInt(0x780);     // Latin, Greek, Cyrillic...
                case 2 -> 0x3040 + random.nextInt(0x60);    // Hiragana
                case 3 -> 0x1F300 + random.nextInt(0x300);  // emoji (surrogate pairs)
                case 4 -> ' ';
                default -> 'a' + random.nextInt(26);
            });
        }
        return b.toString();
    }

    ArrayNode array(int depth) {
        ArrayNode a = NODES.arrayNode();
        int n = random.nextInt(random.nextInt(10) == 0 ? 60 : 5);
        for (int i = 0; i < n; i++) {
            a.add(value(depth));
        }
        return a;
    }

    ObjectNode object(int depth) {
        ObjectNode o = NODES.objectNode();
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
            o.set(chance(0.5) ? pick(List.of("text", "type", "role", "content", "model", "name")) : text(), value(depth));
        }
        return o;
    }

    /** Arrays nested {@code depth} deep around a value: the parser's nesting limit. */
    JsonNode nested(int depth) {
        JsonNode v = NODES.textNode("deep");
        for (int i = 0; i < depth; i++) {
            v = random.nextBoolean() ? NODES.arrayNode().add(v) : NODES.objectNode().set("k", v);
        }
        return v;
    }

    /** A body mutated from a valid one: fields replaced by random values, removed, or unknown ones added. */
    ObjectNode mutate(ObjectNode valid, List<String> fields) {
        ObjectNode body = valid.deepCopy();
        int changes = 1 + random.nextInt(3);
        for (int i = 0; i < changes; i++) {
            int what = random.nextInt(10);
            String field = pick(fields);
            if (what < 6) {
                body.set(field, chance(0.03) ? nested(20 + random.nextInt(60)) : value(3));
            } else if (what < 8) {
                body.remove(field);
            } else {
                body.set(chance(0.5) ? text() : pick(fields) + "_", value(2));
            }
        }
        return body;
    }
}
