package dev.vortex.render;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Spring Cloud Config's {@code EnvironmentPrefixHelper}: the {@code {name:value}} pairs before a
 * ciphertext ({@code {key:ALIAS}}, {@code {secret:…}}) choose the key, {@code {plain}} ends them.
 */
public final class CipherPrefix {
    private static final String PLAIN = "{plain}";

    private CipherPrefix() {
    }

    /** The pairs of {@code text} as Spring reads them ({@code getEncryptorKeys} without name and profiles). */
    public static Map<String, String> keys(String text) {
        Map<String, String> keys = new LinkedHashMap<>();
        text = text.replaceFirst("\\{name:.*\\}", "").replaceFirst("\\{profiles:.*\\}", "");
        if (text.contains(PLAIN)) {
            text = text.substring(0, text.indexOf(PLAIN));
        }
        for (int end = text.indexOf('}'); end >= 0; end = text.indexOf('}')) {
            String token = text.substring(0, end).trim();
            if (token.startsWith("{")) {
                int colon = token.indexOf(':');
                if (colon >= 0 && !token.endsWith(":")) {
                    keys.put(token.substring(1, colon), token.substring(colon + 1));
                } else {
                    keys.put(token.substring(1), "");
                }
            }
            text = text.substring(end + 1);
        }
        return keys;
    }

    /** The text after the pairs ({@code stripPrefix}). */
    public static String strip(String value) {
        if (!value.contains("}")) {
            return value;
        }
        if (value.contains(PLAIN)) {
            return value.substring(value.indexOf(PLAIN) + PLAIN.length());
        }
        return value.replaceFirst("^(\\{.*?:.*?\\})+", "");
    }
}
