package io.augur.agent;

import java.lang.reflect.Array;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The salted digest of a call's arguments: the first 8 bytes of {@code SHA-256(salt ‖
 * canonical(args))}. Raw values never leave it. The canonical bytes depend only on what cannot
 * change after the call and never run application code ({@code toString}, {@code hashCode} or
 * {@code equals} of application classes): a count, then per argument a JVM descriptor letter and
 *
 * <ul>
 *   <li>{@code N} null
 *   <li>{@code Z B C S I J F D} a primitive or its box: its value's bytes (floats as their bits)
 *   <li>{@code T} a String: its length, then its UTF-16 units; one longer than {@value
 *       #STRING_PREFIX} characters contributes its length, {@link String#hashCode()} and first
 *       {@value #STRING_PREFIX} characters, so a call's cost does not grow with its argument
 *   <li>{@code E} an enum constant: its enum class name and constant name
 *   <li>{@code A} an array: its component type name and length (never its elements)
 *   <li>{@code L} any other object: its class name only (a hidden class's name without the address
 *       the JVM appends)
 * </ul>
 *
 * Names and strings are written as an int length and UTF-16 units, so no two argument lists share
 * canonical bytes. Not thread-safe: one instance per thread, no allocation per call.
 */
public final class ArgsDigest {
    static final int STRING_PREFIX = 256;

    private final MessageDigest sha;
    private final byte[] salt;
    // Starts with the salt, so a short argument list is one update() call; canonical bytes follow.
    private final byte[] buf;
    private final byte[] out = new byte[32];
    private int pos;
    private boolean saltInBuffer;

    public ArgsDigest(byte[] salt) {
        this.salt = salt.clone();
        this.buf = new byte[salt.length + 512];
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The digest of an argument list; null stands for none (a method without parameters). */
    public long digest(Object[] args) {
        if (!saltInBuffer) {
            System.arraycopy(salt, 0, buf, 0, salt.length);
            saltInBuffer = true;
        }
        pos = salt.length;
        if (args == null) {
            putInt(0);
        } else {
            putInt(args.length);
            for (Object arg : args) {
                put(arg);
            }
        }
        sha.update(buf, 0, pos);
        try {
            sha.digest(out, 0, out.length);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-256 output buffer", e);
        }
        long d = 0;
        for (int i = 0; i < 8; i++) {
            d = (d << 8) | (out[i] & 0xff);
        }
        return d;
    }

    private void put(Object arg) {
        if (arg == null) {
            putByte('N');
        } else if (arg instanceof String s) {
            putByte('T');
            int length = s.length();
            putInt(length);
            if (length <= STRING_PREFIX) {
                putChars(s, length);
            } else {
                putInt(s.hashCode());
                putChars(s, STRING_PREFIX);
            }
        } else if (arg instanceof Integer i) {
            putByte('I');
            putInt(i);
        } else if (arg instanceof Long l) {
            putByte('J');
            putLong(l);
        } else if (arg instanceof Boolean b) {
            putByte('Z');
            putByte(b ? 1 : 0);
        } else if (arg instanceof Double d) {
            putByte('D');
            putLong(Double.doubleToLongBits(d));
        } else if (arg instanceof Float f) {
            putByte('F');
            putInt(Float.floatToIntBits(f));
        } else if (arg instanceof Character c) {
            putByte('C');
            putShort(c);
        } else if (arg instanceof Byte b) {
            putByte('B');
            putByte(b);
        } else if (arg instanceof Short s) {
            putByte('S');
            putShort(s);
        } else if (arg instanceof Enum<?> e) {
            putByte('E');
            putName(e.getDeclaringClass());
            String constant = e.name();
            putInt(constant.length());
            putChars(constant, constant.length());
        } else if (arg.getClass().isArray()) {
            putByte('A');
            putName(arg.getClass().getComponentType());
            putInt(Array.getLength(arg));
        } else {
            putByte('L');
            putName(arg.getClass());
        }
    }

    private void putName(Class<?> type) {
        String name = type.getName();
        if (type.isHidden()) {
            // Lambdas and other hidden classes: "Foo$$Lambda$14/0x0000000800c03000" differs
            // between runs; keep what is stable.
            int cut = name.indexOf("$$Lambda");
            name = name.substring(0, cut >= 0 ? cut + 8 : Math.max(0, name.indexOf('/')));
        }
        putInt(name.length());
        putChars(name, name.length());
    }

    private void putChars(String s, int count) {
        for (int i = 0; i < count; i++) {
            if (pos + 2 > buf.length) {
                spill();
            }
            char c = s.charAt(i);
            buf[pos++] = (byte) (c >>> 8);
            buf[pos++] = (byte) c;
        }
    }

    private void putByte(int b) {
        if (pos + 1 > buf.length) {
            spill();
        }
        buf[pos++] = (byte) b;
    }

    private void putShort(int v) {
        if (pos + 2 > buf.length) {
            spill();
        }
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    private void putInt(int v) {
        if (pos + 4 > buf.length) {
            spill();
        }
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }

    private void spill() {
        sha.update(buf, 0, pos);
        pos = 0;
        saltInBuffer = false;
    }
}
