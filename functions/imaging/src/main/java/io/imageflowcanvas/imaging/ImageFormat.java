package io.imageflowcanvas.imaging;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The image formats the functions read and write. */
public enum ImageFormat {
    JPEG("jpeg", ".jpg", "image/jpeg"),
    PNG("png", ".png", "image/png"),
    WEBP("webp", ".webp", "image/webp"),
    BMP("bmp", ".bmp", "image/bmp");

    private final String id;
    private final String extension;
    private final String contentType;

    ImageFormat(String id, String extension, String contentType) {
        this.id = id;
        this.extension = extension;
        this.contentType = contentType;
    }

    public String id() {
        return id;
    }

    public String extension() {
        return extension;
    }

    public String contentType() {
        return contentType;
    }

    /** Whether the format keeps an alpha channel and 16-bit samples when writing. */
    public boolean keepsAlpha() {
        return this == PNG || this == WEBP;
    }

    public static String allowedIds() {
        return Arrays.stream(values()).map(ImageFormat::id).collect(Collectors.joining(", "));
    }

    /** Parses a format name ({@code jpg} is accepted for {@code jpeg}); null when unknown. */
    public static ImageFormat fromId(String name) {
        String id = name.toLowerCase(Locale.ROOT);
        if (id.equals("jpg")) {
            return JPEG;
        }
        for (ImageFormat format : values()) {
            if (format.id.equals(id)) {
                return format;
            }
        }
        return null;
    }
}
