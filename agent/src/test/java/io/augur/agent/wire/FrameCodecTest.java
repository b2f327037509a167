package io.augur.agent.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    static final long T0 = 1_790_000_000_000L;

    static List<Frame> readAll(byte[] bytes) throws IOException {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes));
        List<Frame> frames = new ArrayList<>();
        for (Frame f = reader.read(); f != null; f = reader.read()) {
            frames.add(f);
        }
        return frames;
    }

    static byte[] frame(int type, byte[] payload) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeByte(type);
        out.writeInt(payload.length);
        out.write(payload);
        return b.toByteArray();
    }

    static byte[] validHello() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        new FrameWriter(b).writeHello(42, 7, "1.0");
        return b.toByteArray();
    }

    @Test
    void framesRoundTripInOrder() throws IOException {
        List<Event> events =
                List.of(
                        new Event(T0, "main", "com.example.Orders#place", 0x0123456789abcdefL),
                        new Event(T0 + 1, "worker-1", "com.example.Orders#charge", -1L),
                        new Event(T0 + 2, "main", "com.example.Orders#place", 0L));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(bytes);
        w.writeHello(4711, -99, "0.1.0");
        w.writeEvents(EventBatch.of(events));
        w.writeDrops(12);
        w.writeEvents(EventBatch.of(List.of()));
        w.flush();

        assertThat(readAll(bytes.toByteArray()))
                .containsExactly(
                        new Frame.Hello(Wire.VERSION, 4711, -99, "0.1.0"),
                        new Frame.Events(events),
                        new Frame.Drops(12),
                        new Frame.Events(List.of()));
    }

    @Test
    void theDictionaryHoldsEachNameOnce() throws IOException {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            events.add(new Event(T0 + i, "main", "com.example.Orders#place", i));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new FrameWriter(bytes).writeEvents(EventBatch.of(events));
        // header + 2 strings + count + 20 bytes per event
        assertThat(bytes.size()).isLessThan(5 + 64 + 4 + 1000 * 20);
        assertThat(readAll(bytes.toByteArray())).containsExactly(new Frame.Events(events));
    }

    @Test
    void longNamesAreCut() throws IOException {
        String thread = "t".repeat(Wire.MAX_STRING_CHARS + 10);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new FrameWriter(bytes).writeEvents(EventBatch.of(List.of(new Event(T0, thread, "a#b", 1))));
        Frame.Events f = (Frame.Events) readAll(bytes.toByteArray()).get(0);
        assertThat(f.events().get(0).thread()).hasSize(Wire.MAX_STRING_CHARS);
    }

    @Test
    void nonAsciiNamesRoundTrip() throws IOException {
        List<Event> events = List.of(new Event(T0, "Arbeiter-ü-\u20ac-\u0000", "ça.Été#grüßen", 5));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new FrameWriter(bytes).writeEvents(EventBatch.of(events));
        assertThat(readAll(bytes.toByteArray())).containsExactly(new Frame.Events(events));
        // The same bytes DataOutputStream.writeUTF produces for the dictionary.
        ByteArrayOutputStream utf = new ByteArrayOutputStream();
        new DataOutputStream(utf).writeUTF("Arbeiter-ü-\u20ac-\u0000");
        assertThat(new String(bytes.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains(
                        new String(
                                utf.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @Test
    void aBatchTooBigForOneFrameGoesOutAsSeveral() throws IOException {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < Wire.MAX_BATCH; i++) {
            // Every event with two distinct 512-character names: about 4 MB in all.
            String pad = String.format("%0" + (Wire.MAX_STRING_CHARS - 8) + "d", 0);
            events.add(
                    new Event(
                            T0 + i,
                            String.format("t%07d", i) + pad,
                            String.format("n%07d", i) + pad,
                            i));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new FrameWriter(bytes).writeEvents(EventBatch.of(events));
        List<Frame> frames = readAll(bytes.toByteArray());
        assertThat(frames).hasSizeGreaterThan(1);
        assertThat(frames.stream().flatMap(f -> ((Frame.Events) f).events().stream()).toList())
                .isEqualTo(events);
    }

    @Test
    void digestHexHasSixteenDigits() {
        assertThat(new Event(0, "t", "a#b", 0xabcL).digestHex()).isEqualTo("0000000000000abc");
        assertThat(new Event(0, "t", "a#b", -1L).digestHex()).isEqualTo("ffffffffffffffff");
    }

    @Test
    void refusesAnOversizeFrameBeforeReadingIt() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeByte(Wire.EVENTS);
        out.writeInt(Wire.MAX_FRAME_BYTES + 1);
        assertThatThrownBy(() -> readAll(b.toByteArray()))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("announces " + (Wire.MAX_FRAME_BYTES + 1));
    }

    @Test
    void refusesANegativeLength() throws IOException {
        byte[] bytes = {Wire.DROPS, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertThatThrownBy(() -> readAll(bytes)).isInstanceOf(WireFormatException.class);
    }

    @Test
    void refusesAnUnknownType() throws IOException {
        assertThatThrownBy(() -> readAll(frame(9, new byte[8])))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("unknown frame type 9");
    }

    @Test
    void refusesABadMagicAndAnotherVersion() throws IOException {
        byte[] hello = validHello();
        byte[] badMagic = hello.clone();
        badMagic[5] ^= 0x7f;
        assertThatThrownBy(() -> readAll(badMagic))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("magic");
        byte[] otherVersion = hello.clone();
        otherVersion[10] = 2; // low byte of the u16 version after type, length, magic
        assertThatThrownBy(() -> readAll(otherVersion))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("protocol version 2");
    }

    @Test
    void refusesFieldsThatRunPastTheFrame() throws IOException {
        byte[] hello = validHello();
        byte[] shortLength = hello.clone();
        shortLength[4] -= 3; // the frame claims 3 bytes less than its fields take
        assertThatThrownBy(() -> readAll(shortLength))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("past the end");
        assertThatThrownBy(() -> readAll(frame(Wire.DROPS, new byte[7])))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("past the end");
    }

    @Test
    void refusesTrailingBytes() throws IOException {
        assertThatThrownBy(() -> readAll(frame(Wire.DROPS, new byte[9])))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("1 bytes after its fields");
    }

    @Test
    void refusesCountsTheFrameCannotHold() throws IOException {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(p);
        out.writeShort(0); // no strings
        out.writeInt(1_000_000); // a million events in a 6-byte frame
        assertThatThrownBy(() -> readAll(frame(Wire.EVENTS, p.toByteArray())))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("1000000 events");

        p.reset();
        out.writeShort(60_000); // 60000 strings in a few bytes
        out.writeInt(0);
        assertThatThrownBy(() -> readAll(frame(Wire.EVENTS, p.toByteArray())))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("60000 strings");
    }

    @Test
    void refusesStringsLongerThanAnyWriterSends() throws IOException {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(p);
        out.writeShort(1);
        out.writeUTF("x".repeat(Wire.MAX_STRING_CHARS + 1));
        out.writeInt(0);
        assertThatThrownBy(() -> readAll(frame(Wire.EVENTS, p.toByteArray())))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("longer than " + Wire.MAX_STRING_CHARS);
    }

    @Test
    void refusesAnIndexOutsideTheDictionary() throws IOException {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(p);
        out.writeShort(1);
        out.writeUTF("main");
        out.writeInt(1);
        out.writeLong(T0);
        out.writeShort(0);
        out.writeShort(5);
        out.writeLong(0);
        assertThatThrownBy(() -> readAll(frame(Wire.EVENTS, p.toByteArray())))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("string index 5");
    }

    @Test
    void refusesMalformedStringsAndNegativeDrops() throws IOException {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(p);
        out.writeShort(1);
        out.writeShort(2);
        out.write(new byte[] {(byte) 0xc0, (byte) 0x41}); // a broken 2-byte sequence
        out.writeInt(0);
        assertThatThrownBy(() -> readAll(frame(Wire.EVENTS, p.toByteArray())))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("malformed string");
        p.reset();
        out.writeLong(-5);
        assertThatThrownBy(() -> readAll(frame(Wire.DROPS, p.toByteArray())))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("negative");
    }

    @Test
    void aStreamCutInsideAFrameIsAnEofNotAFormatError() throws IOException {
        byte[] hello = validHello();
        assertThatThrownBy(() -> readAll(Arrays.copyOf(hello, hello.length - 2)))
                .isInstanceOf(EOFException.class)
                .isNotInstanceOf(WireFormatException.class);
    }

    @Test
    void randomBytesFailOnlyWithIoExceptions() {
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[random.nextInt(64)];
            random.nextBytes(junk);
            try {
                readAll(junk);
            } catch (IOException expected) {
                continue;
            }
        }
    }
}
