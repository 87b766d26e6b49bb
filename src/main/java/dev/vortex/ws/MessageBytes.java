package dev.vortex.ws;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.Arrays;

/**
 * The bytes of one server message while it is written: a growable array reused by its thread (the hub
 * thread and each render thread write thousands of messages in a fan-out), copied once, into the frame.
 * JSON strings are written as a {@link com.fasterxml.jackson.core.JsonGenerator} writes them.
 */
final class MessageBytes {
    private static final ThreadLocal<MessageBytes> REUSED = ThreadLocal.withInitial(MessageBytes::new);
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static final int KEPT = 64 * 1024;

    private byte[] bytes = new byte[512];
    private int length;

    private MessageBytes() {
    }

    /** This thread's buffer, emptied: what it held is gone (a message is framed before the next is begun). */
    static MessageBytes empty() {
        MessageBytes b = REUSED.get();
        b.length = 0;
        if (b.bytes.length > KEPT) {
            b.bytes = new byte[512]; // a large diff once is not kept for the thread's life
        }
        return b;
    }

    byte[] array() {
        return bytes;
    }

    int length() {
        return length;
    }

    MessageBytes write(int b) {
        room(1);
        bytes[length++] = (byte) b;
        return this;
    }

    MessageBytes write(byte[] b) {
        return write(b, 0, b.length);
    }

    MessageBytes write(byte[] b, int off, int len) {
        room(len);
        System.arraycopy(b, off, bytes, length, len);
        length += len;
        return this;
    }

    /** Text known to be ASCII (names, keys, commit ids), char by char: no array per piece. */
    MessageBytes ascii(String text) {
        room(text.length());
        for (int i = 0; i < text.length(); i++) {
            bytes[length++] = (byte) text.charAt(i);
        }
        return this;
    }

    /** {@code "text"}: escaped as JSON strings are, unless it is printable ASCII but the quote and the backslash. */
    MessageBytes string(String text) {
        write('"');
        if (plain(text)) {
            ascii(text);
        } else {
            write(JsonStringEncoder.getInstance().quoteAsUTF8(text));
        }
        write('"');
        return this;
    }

    /** {@code value} as {@code digits} decimal digits, leading zeros kept. */
    MessageBytes digits(long value, int digits) {
        room(digits);
        for (int i = digits - 1; i >= 0; i--) {
            bytes[length + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        length += digits;
        return this;
    }

    /** The low {@code digits} hex digits of {@code value}, lower case, as {@link java.util.UUID#toString} writes them. */
    MessageBytes hex(long value, int digits) {
        room(digits);
        for (int i = digits - 1; i >= 0; i--) {
            bytes[length + i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
        length += digits;
        return this;
    }

    private static boolean plain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private void room(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
