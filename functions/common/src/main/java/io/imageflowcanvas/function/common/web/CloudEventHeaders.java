package io.imageflowcanvas.function.common.web;

import java.nio.charset.StandardCharsets;

/** Header value encoding of the CloudEvents HTTP binding (binary mode). */
final class CloudEventHeaders {

    private CloudEventHeaders() {
    }

    /**
     * Percent-encodes space, double quote, percent and every byte outside printable ASCII, as the HTTP binding
     * requires of {@code ce-*} header values: object keys may hold any Unicode.
     */
    static String percentEncode(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c <= 0x20 || c >= 0x7F || c == '"' || c == '%') {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }
}
