package dev.vortex.cluster;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks peer notices: {@code X-Vortex-Signature: sha256=<hex>}, the HMAC-SHA256 with the
 * shared secret of {@code <X-Vortex-Timestamp> "." <body>}, the timestamp in Unix seconds. A notice
 * is accepted only within {@link #WINDOW} of our clock and only once per id (the ids seen within the
 * window are remembered), so a recorded notice cannot be played again.
 */
final class NoticeSignature {
    static final String TIMESTAMP = "X-Vortex-Timestamp";
    static final String SIGNATURE = "X-Vortex-Signature";
    /** How far a notice's timestamp may be from our clock either way (replicas run NTP). */
    static final Duration WINDOW = Duration.ofSeconds(60);
    private static final Duration TWO_WINDOWS = WINDOW.plus(WINDOW); // not multipliedBy: BigDecimal set-up on a request
    /** Ids remembered at most; beyond it the oldest go first (a flood cannot grow the heap). */
    private static final int MAX_SEEN = 100_000;

    /** Why a notice was refused; {@code status} is the HTTP answer. */
    record Refusal(int status, String message) {
    }

    private final InstantSource clock;
    private final Map<String, Instant> seen = new LinkedHashMap<>();

    NoticeSignature(InstantSource clock) {
        this.clock = clock;
    }

    /** The two headers that sign {@code body} now. */
    Map<String, String> sign(byte[] secret, byte[] body) {
        String ts = Long.toString(clock.instant().getEpochSecond());
        return Map.of(TIMESTAMP, ts, SIGNATURE, "sha256=" + HexFormat.of().formatHex(mac(secret, ts, body)));
    }

    /** Empty when {@code body} is signed with {@code secret} within the window; else why not. Checks no id. */
    Optional<Refusal> verify(byte[] secret, Optional<String> timestamp, Optional<String> signature, byte[] body) {
        if (timestamp.isEmpty() || signature.isEmpty()) {
            return Optional.of(new Refusal(401, "notice signature missing"));
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.get().strip());
        } catch (NumberFormatException e) {
            return Optional.of(new Refusal(401, "notice timestamp is not Unix seconds"));
        }
        String given = signature.get().strip().toLowerCase(Locale.ROOT);
        byte[] expected = ("sha256=" + HexFormat.of().formatHex(mac(secret, Long.toString(seconds), body))).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.US_ASCII), expected)) {
            return Optional.of(new Refusal(401, "notice signature wrong"));
        }
        Duration skew = Duration.between(Instant.ofEpochSecond(seconds), clock.instant()).abs();
        if (skew.compareTo(WINDOW) > 0) {
            return Optional.of(new Refusal(401, "notice timestamp outside the " + WINDOW.toSeconds() + " s window (clock skew or a replay)"));
        }
        return Optional.empty();
    }

    /** True the first time {@code id} is offered within the window; false for a replay. */
    synchronized boolean firstTime(String id) {
        Instant now = clock.instant();
        for (Iterator<Instant> it = seen.values().iterator(); it.hasNext(); ) {
            Instant at = it.next();
            if (Duration.between(at, now).compareTo(TWO_WINDOWS) <= 0 && seen.size() <= MAX_SEEN) {
                break; // insertion order: the rest is newer
            }
            it.remove();
        }
        return seen.putIfAbsent(id, now) == null;
    }

    private static byte[] mac(byte[] secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
