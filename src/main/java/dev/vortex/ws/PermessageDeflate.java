package dev.vortex.ws;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.java_websocket.enums.Opcode;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.InvalidFrameException;
import org.java_websocket.exceptions.LimitExceededException;
import org.java_websocket.extensions.IExtension;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.ControlFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.FramedataImpl1;

/**
 * permessage-deflate (RFC 7692) as the server speaks it, one instance per connection.
 *
 * <p>Negotiation: the first acceptable offer wins; the answer is always
 * {@code permessage-deflate; server_no_context_takeover; client_no_context_takeover}, so every
 * message in either direction is compressed on its own: the server compresses each distinct
 * message once for every session ({@link Frame#deflated}), and holds no inflater between a
 * client's messages. An offer that asks for a server window under 15 bits is declined (the JDK's
 * deflater always uses 15), as is one with an unknown, repeated or malformed parameter.
 *
 * <p>Inbound: a compressed message is inflated in chunks and refused (1009) as soon as it passes
 * {@code ws.max-message}, so a compression bomb costs at most that much memory. The library sends
 * only control frames itself, which are never compressed, so {@link #encodeFrame} does nothing.
 */
final class PermessageDeflate implements IExtension {
    static final String NAME = "permessage-deflate";
    static final String RESPONSE = NAME + "; server_no_context_takeover; client_no_context_takeover";
    /** What RFC 7692 §7.2.1 has the sender drop from the end of every compressed message, and the receiver put back. */
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};
    private static final int CHUNK = 8192;

    private final BooleanSupplier enabled;
    private final long maxMessage;
    /** The message being inflated (null between messages) and how many bytes it inflated to so far. */
    private Inflater inflater;
    private long inflated;

    /** {@code enabled}: read at each handshake ({@code ws.compression}); {@code maxMessage}: the most an inflated message may hold. */
    PermessageDeflate(BooleanSupplier enabled, long maxMessage) {
        this.enabled = enabled;
        this.maxMessage = maxMessage;
    }

    // ---- negotiation ----

    @Override
    public boolean acceptProvidedExtensionAsServer(String header) {
        if (!enabled.getAsBoolean() || header == null) {
            return false;
        }
        for (String offer : splitOutsideQuotes(header, ',')) {
            if (acceptable(offer)) {
                return true;
            }
        }
        return false;
    }

    /** Whether one offer ({@code name; param; param=value}) is permessage-deflate with parameters the server can honour. */
    static boolean acceptable(String offer) {
        List<String> parts = splitOutsideQuotes(offer, ';');
        if (!parts.getFirst().trim().equalsIgnoreCase(NAME)) {
            return false;
        }
        Set<String> seen = new HashSet<>();
        for (String p : parts.subList(1, parts.size())) {
            int eq = p.indexOf('=');
            String name = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? null : unquote(p.substring(eq + 1).trim());
            if (!seen.add(name)) {
                return false;
            }
            boolean ok = switch (name) {
                case "server_no_context_takeover", "client_no_context_takeover" -> value == null;
                // the client may say it takes a limit without naming one; the server sets none
                case "client_max_window_bits" -> value == null || windowBits(value) > 0;
                // a deflater with a smaller window than 15 bits is not to be had from the JDK
                case "server_max_window_bits" -> value != null && windowBits(value) == 15;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** 8 to 15 as RFC 7692 writes it (no sign, no leading zero); 0 for anything else. */
    private static int windowBits(String v) {
        return v.matches("[1-9][0-9]?") && Integer.parseInt(v) >= 8 && Integer.parseInt(v) <= 15 ? Integer.parseInt(v) : 0;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    private static List<String> splitOutsideQuotes(String s, char sep) {
        List<String> out = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == sep && !quoted) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    @Override
    public String getProvidedExtensionAsServer() {
        return RESPONSE;
    }

    @Override
    public boolean acceptProvidedExtensionAsClient(String header) {
        return false; // server side only
    }

    @Override
    public String getProvidedExtensionAsClient() {
        return "";
    }

    // ---- frames ----

    @Override
    public void isFrameValid(Framedata f) throws InvalidDataException {
        boolean rsv1Allowed = !(f instanceof ControlFrame) && f.getOpcode() != Opcode.CONTINUOUS;
        if ((f.isRSV1() && !rsv1Allowed) || f.isRSV2() || f.isRSV3()) {
            throw new InvalidFrameException("bad rsv bits: RSV1 " + f.isRSV1() + " RSV2 " + f.isRSV2() + " RSV3 " + f.isRSV3());
        }
    }

    /** The first frame of a message: inflated when RSV1 marks it compressed. Continuations go through {@link #continued}. */
    @Override
    public void decodeFrame(Framedata f) throws InvalidDataException {
        if (f instanceof ControlFrame || f.getOpcode() == Opcode.CONTINUOUS) {
            return;
        }
        if (inflater != null) {
            end();
            throw new InvalidDataException(CloseFrame.PROTOCOL_ERROR, "a new message began before the compressed one ended");
        }
        if (f.isRSV1()) {
            inflater = new Inflater(true);
            inflated = 0;
            inflate(f);
        }
    }

    /**
     * A frame the library decoded, in order: a continuation of a compressed message is inflated
     * here (the library would pass it to this extension only when no control frame came between).
     */
    void continued(Framedata f) throws InvalidDataException {
        if (f.getOpcode() == Opcode.CONTINUOUS && inflater != null) {
            inflate(f);
        }
    }

    private void inflate(Framedata f) throws InvalidDataException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(CHUNK, f.getPayloadData().remaining() * 4 + 16));
        try {
            inflate(f.getPayloadData(), out);
            if (f.isFin()) {
                inflate(ByteBuffer.wrap(TAIL), out);
                end();
            }
        } catch (DataFormatException e) {
            end();
            throw new InvalidDataException(CloseFrame.NO_UTF8, "compressed message does not inflate: " + e.getMessage());
        } catch (InvalidDataException e) {
            end();
            throw e;
        }
        ((FramedataImpl1) f).setPayload(ByteBuffer.wrap(out.toByteArray()));
    }

    private void inflate(ByteBuffer in, ByteArrayOutputStream out) throws DataFormatException, LimitExceededException {
        inflater.setInput(in);
        byte[] chunk = new byte[CHUNK];
        while (!inflater.finished()) {
            int n = inflater.inflate(chunk);
            if (n == 0) {
                if (inflater.needsInput() || inflater.needsDictionary()) {
                    break;
                }
                continue;
            }
            inflated += n;
            if (inflated > maxMessage) {
                throw new LimitExceededException("message inflates past " + maxMessage + " bytes", (int) Math.min(Integer.MAX_VALUE, maxMessage));
            }
            out.write(chunk, 0, n);
        }
    }

    private void end() {
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
    }

    @Override
    public void encodeFrame(Framedata f) {
    }

    @Override
    public IExtension copyInstance() {
        return new PermessageDeflate(enabled, maxMessage);
    }

    @Override
    public void reset() {
        end();
    }

    @Override
    public String toString() {
        return NAME;
    }
}
