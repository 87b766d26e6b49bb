package dev.vortex.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.reader.UnicodeReader;

/** Differential: a file's characters, or its decoding error, are what SnakeYAML's UnicodeReader makes of its bytes. */
class YamlTextTest {
    private static final Random RANDOM = new Random(18);

    @Test
    void randomFiles_readAsUnicodeReaderReadsThem() {
        for (int i = 0; i < 20_000; i++) {
            byte[] file = file();
            assertEquals(streamed(file), decoded(file), () -> HexFormat.of().formatHex(file));
        }
    }

    @Test
    void byteOrderMarksAndTheirBeginnings() {
        for (String hex : new String[] {"", "ef", "efbb", "efbbbf", "fe", "feff", "ff", "fffe", "fffe61", "feff0061", "efbbbf61", "fffe6100", "feff00"}) {
            byte[] file = HexFormat.of().parseHex(hex);
            assertEquals(streamed(file), decoded(file), hex);
        }
    }

    private static String decoded(byte[] file) {
        return readAll(YamlText.of(file));
    }

    private static String streamed(byte[] file) {
        return readAll(new UnicodeReader(new ByteArrayInputStream(file)));
    }

    private static String readAll(Reader reader) {
        StringWriter out = new StringWriter();
        try (reader) {
            reader.transferTo(out);
            return "chars: " + out;
        } catch (IOException e) {
            return "fails: " + e;
        }
    }

    /** Text in a charset with or without its mark, damaged now and then, or bytes at random. */
    private static byte[] file() {
        int kind = RANDOM.nextInt(10);
        if (kind == 0) {
            byte[] noise = new byte[RANDOM.nextInt(12)];
            RANDOM.nextBytes(noise);
            return noise;
        }
        Charset charset = kind < 6 ? StandardCharsets.UTF_8 : kind < 8 ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_16LE;
        String mark = charset == StandardCharsets.UTF_8 && RANDOM.nextBoolean() ? "" : "\uFEFF";
        byte[] bytes = (mark + text()).getBytes(charset);
        if (RANDOM.nextInt(4) == 0 && bytes.length > 0) {
            int at = RANDOM.nextInt(bytes.length);
            bytes[at] = (byte) RANDOM.nextInt(256); // damaged, or cut short below
        }
        return RANDOM.nextInt(8) == 0 && bytes.length > 1 ? Arrays.copyOf(bytes, bytes.length - 1) : bytes;
    }

    private static String text() {
        StringBuilder s = new StringBuilder();
        for (int n = RANDOM.nextInt(40); n > 0; n--) {
            switch (RANDOM.nextInt(6)) {
                case 0 -> s.append("key: value\n");
                case 1 -> s.append((char) RANDOM.nextInt(0x80));
                case 2 -> s.append((char) (0x80 + RANDOM.nextInt(0x780)));
                case 3 -> s.append((char) (0x800 + RANDOM.nextInt(0xD000)));
                case 4 -> s.appendCodePoint(0x10000 + RANDOM.nextInt(0x100000));
                default -> s.append(RANDOM.nextBoolean() ? '\uD83D' : '\uDE00'); // a lone surrogate: not encodable, a '?'
            }
        }
        return s.toString();
    }
}
