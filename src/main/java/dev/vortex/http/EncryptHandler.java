package dev.vortex.http;

import dev.vortex.render.CipherKeys;
import dev.vortex.render.CipherPrefix;
import dev.vortex.render.TextCipher;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Spring Cloud Config's encryption endpoints ({@code admin} scope, checked by {@link AccessFilter}):
 * {@code POST /encrypt} and {@code POST /decrypt} take and answer {@code text/plain};
 * {@code GET /encrypt/status} says whether a key is installed. As in Spring, a body sent as a
 * form (curl's default) loses its trailing {@code =}, {@code {name:value}} prefixes choose the key
 * ({@code {key:ALIAS}} of a key store) and are kept on encryption, no key is {@code 404 NO_KEY}, and a text not encrypted with
 * this key is {@code 400 INVALID}. Neither the text nor the key is ever logged or echoed.
 */
public final class EncryptHandler {
    static final Set<String> PATHS = Set.of("/encrypt", "/decrypt", "/encrypt/status");
    private static final String TEXT = "text/plain;charset=UTF-8";

    private final Optional<CipherKeys> cipher;

    public EncryptHandler(Optional<CipherKeys> cipher) {
        this.cipher = cipher;
    }

    public void register(Router router) {
        router.get("/encrypt/status", this::status);
        router.post("/encrypt", this::encrypt);
        router.post("/decrypt", this::decrypt);
    }

    private void status(Request r) throws IOException {
        if (cipher.isEmpty()) {
            noKey(r);
            return;
        }
        r.json(200, Map.of("status", "OK"));
    }

    private void encrypt(Request r) throws IOException {
        if (cipher.isEmpty()) {
            noKey(r);
            return;
        }
        String input = stripFormData(body(r), contentType(r), false);
        String text = CipherPrefix.strip(input);
        String prefix = input.substring(0, input.length() - text.length());
        TextCipher key;
        try {
            key = cipher.get().locate(CipherPrefix.keys(input));
        } catch (IllegalArgumentException e) {
            answer(r, 400, "INVALID", "No such key: " + e.getMessage());
            return;
        }
        r.bytes(200, TEXT, (prefix + key.encrypt(text)).getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private void decrypt(Request r) throws IOException {
        if (cipher.isEmpty()) {
            noKey(r);
            return;
        }
        try {
            String body = body(r);
            TextCipher key = cipher.get().locate(CipherPrefix.keys(body));
            String input = stripFormData(CipherPrefix.strip(body), contentType(r), true);
            r.bytes(200, TEXT, key.decrypt(input).getBytes(StandardCharsets.UTF_8), Map.of());
        } catch (IllegalArgumentException e) {
            answer(r, 400, "INVALID", "Text not encrypted with this key");
        }
    }

    private static String body(Request r) throws IOException {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static String contentType(Request r) {
        return r.header("Content-Type").orElse("");
    }

    private static void noKey(Request r) throws IOException {
        answer(r, 404, "NO_KEY", "No key was installed for encryption service");
    }

    private static void answer(Request r, int status, String code, String description) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", code);
        body.put("description", description);
        r.json(status, body);
    }

    /**
     * Spring's {@code EncryptionController.stripFormData}: a body ending in {@code =} that was not
     * sent as {@code text/plain} is form data ({@code curl -d}), URL-decoded and its {@code =} dropped
     * (for a cipher only when what is left is still hex or Base64).
     */
    static String stripFormData(String data, String contentType, boolean cipher) {
        if (!data.endsWith("=") || contentType.strip().equalsIgnoreCase("text/plain")) { // Spring compares the whole media type
            return data;
        }
        try {
            data = URLDecoder.decode(data, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // kept as sent, as Spring does when decoding fails
        }
        if (cipher) {
            data = data.replace(" ", "+");
        }
        String candidate = data.substring(0, data.length() - 1);
        if (!cipher) {
            return candidate;
        }
        if (data.endsWith("=") && data.length() % 2 == 1) {
            if (candidate.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                return candidate;
            }
            try {
                java.util.Base64.getDecoder().decode(candidate);
                return candidate;
            } catch (IllegalArgumentException e) {
                // neither: the '=' belongs to the text
            }
        }
        return data;
    }
}
