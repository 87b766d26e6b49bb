package dev.vortex.render;

import java.io.ByteArrayInputStream;
import java.io.CharArrayReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.yaml.snakeyaml.reader.UnicodeReader;

/**
 * A YAML file's characters as SnakeYAML's {@link UnicodeReader} reads them (what Spring Boot reads
 * through): a UTF-8 or UTF-16 byte order mark chooses the charset, else UTF-8, and a byte sequence
 * that does not decode is an error. Decoded at once instead of streamed: the reader's stream decoder
 * allocated 8 KiB for each file, ~330 of the ~1,700 MB the daemon of the 20,001-file monorepo bench
 * allocated in its life. A file that does not decode is read through the {@code UnicodeReader}
 * itself, so its error is SnakeYAML's own.
 */
final class YamlText {
    private YamlText() {
    }

    static Reader of(byte[] bytes) {
        Charset charset = StandardCharsets.UTF_8;
        int skip = 0;
        if (bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF) {
            skip = 3;
        } else if (bytes.length >= 2 && bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF) {
            charset = StandardCharsets.UTF_16BE;
            skip = 2;
        } else if (bytes.length >= 2 && bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE) {
            charset = StandardCharsets.UTF_16LE;
            skip = 2;
        }
        try {
            CharBuffer chars = charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, skip, bytes.length - skip));
            return new CharArrayReader(chars.array(), chars.arrayOffset() + chars.position(), chars.remaining());
        } catch (CharacterCodingException e) {
            return new UnicodeReader(new ByteArrayInputStream(bytes));
        }
    }
}
