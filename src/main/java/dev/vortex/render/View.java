package dev.vortex.render;

/** The merged views of an Environment: {@code /{app}-{profiles}.yml|.yaml|.properties|.json}. */
public enum View {
    YAML("text/plain", "-yaml"),
    PROPERTIES("text/plain", "-properties"),
    JSON("application/json", "");

    private final String contentType;
    private final String etagSuffix;

    View(String contentType, String etagSuffix) {
        this.contentType = contentType;
        this.etagSuffix = etagSuffix;
    }

    /** The view a path extension asks for ({@code yml}, {@code yaml}, {@code properties}, {@code json}), or null. */
    public static View ofExtension(String extension) {
        return switch (extension) {
            case "yml", "yaml" -> YAML;
            case "properties" -> PROPERTIES;
            case "json" -> JSON;
            default -> null;
        };
    }

    String contentType() {
        return contentType;
    }

    String etagSuffix() {
        return etagSuffix;
    }
}
