package io.augur.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.agent.wire.Event;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ArgsDigestTest {
    static final byte[] SALT = "0123456789abcdef-node-salt".getBytes(StandardCharsets.UTF_8);
    static final byte[] OTHER_SALT = "fedcba9876543210-node-salt".getBytes(StandardCharsets.UTF_8);

    final ArgsDigest digest = new ArgsDigest(SALT);

    /** An application object whose toString and hashCode must never run. */
    static final class Secretive {
        @Override
        public String toString() {
            throw new AssertionError("toString called");
        }

        @Override
        public int hashCode() {
            throw new AssertionError("hashCode called");
        }
    }

    @Test
    void equalArgumentsGiveEqualDigests() {
        Object[] a = {"card-4111", 42, 7L, true, 'x', (byte) 1, (short) 2, 1.5, 2.5f, null};
        Object[] b = {
            new String("card-4111"), 42, 7L, true, 'x', (byte) 1, (short) 2, 1.5, 2.5f, null
        };
        assertThat(digest.digest(a)).isEqualTo(digest.digest(b));
        assertThat(new ArgsDigest(SALT).digest(a)).isEqualTo(digest.digest(a));
    }

    @Test
    void anotherSaltGivesAnotherDigest() {
        Object[] args = {"card-4111", 42};
        assertThat(new ArgsDigest(OTHER_SALT).digest(args)).isNotEqualTo(digest.digest(args));
    }

    @Test
    void differentArgumentsGiveDifferentDigests() {
        List<Object[]> lists =
                List.of(
                        new Object[0],
                        new Object[] {null},
                        new Object[] {"a"},
                        new Object[] {"b"},
                        new Object[] {"ab"},
                        new Object[] {"a", "b"},
                        new Object[] {1},
                        new Object[] {1L},
                        new Object[] {(short) 1},
                        new Object[] {"1"},
                        new Object[] {true},
                        new Object[] {false},
                        new Object[] {DayOfWeek.MONDAY},
                        new Object[] {DayOfWeek.TUESDAY},
                        new Object[] {new int[3]},
                        new Object[] {new int[4]},
                        new Object[] {new long[3]},
                        new Object[] {new StringBuilder("x")},
                        new Object[] {new ArrayList<>()},
                        new Object[] {0.0},
                        new Object[] {-0.0});
        Set<Long> digests = new HashSet<>();
        for (Object[] args : lists) {
            digests.add(digest.digest(args));
        }
        assertThat(digests).hasSize(lists.size());
    }

    @Test
    void noParametersIsTheSameAsAnEmptyList() {
        assertThat(digest.digest(null)).isEqualTo(digest.digest(new Object[0]));
    }

    @Test
    void otherObjectsContributeOnlyTheirClass() {
        assertThat(digest.digest(new Object[] {new Secretive()}))
                .isEqualTo(digest.digest(new Object[] {new Secretive()}));
        assertThat(digest.digest(new Object[] {new StringBuilder("secret")}))
                .isEqualTo(digest.digest(new Object[] {new StringBuilder("other")}));
    }

    @Test
    void arraysContributeTheirTypeAndLengthNotTheirElements() {
        assertThat(digest.digest(new Object[] {new String[] {"secret", "x"}}))
                .isEqualTo(digest.digest(new Object[] {new String[] {"other", "y"}}));
        assertThat(digest.digest(new Object[] {new Secretive[2]}))
                .isNotEqualTo(digest.digest(new Object[] {new Object[2]}));
    }

    @Test
    void lambdasDigestTheSameWhateverTheirRuntimeName() {
        Supplier<String> one = () -> "a";
        Supplier<String> two = () -> "b";
        assertThat(one.getClass().getName()).isNotEqualTo(two.getClass().getName());
        assertThat(digest.digest(new Object[] {one})).isEqualTo(digest.digest(new Object[] {two}));
    }

    @Test
    void longStringsAreDigestedByLengthHashAndPrefix() {
        String prefix = "p".repeat(ArgsDigest.STRING_PREFIX);
        assertThat(digest.digest(new Object[] {prefix + "tail-1"}))
                .isNotEqualTo(digest.digest(new Object[] {prefix + "tail-2"}));
        String big = "x".repeat(1_000_000);
        assertThat(digest.digest(new Object[] {big}))
                .isEqualTo(digest.digest(new Object[] {new String(big)}));
    }

    @Test
    void theRawValueNeverAppearsInTheOutput() {
        String secret = "4111111111111111";
        String hex = Event.hex(digest.digest(new Object[] {secret}));
        assertThat(hex).hasSize(16).matches("[0-9a-f]{16}").doesNotContain(secret);
        // Not even a part of it: the digest of a 16-digit number is not the number itself.
        assertThat(hex).isNotEqualTo(secret);
        long numeric = 4111111111111111L;
        assertThat(digest.digest(new Object[] {numeric})).isNotEqualTo(numeric);
    }
}
