package io.augur.cgroup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends SIGKILL to processes. Behind an interface so tests on a fake tree never kill a real pid.
 */
public interface ProcessSignals {

    /** SIGKILL to {@code pid}; a process that is already gone is not an error. */
    void kill(long pid);

    /** Real signals through {@link ProcessHandle}. */
    static ProcessSignals host() {
        return HostSignals.INSTANCE;
    }

    /** {@link ProcessHandle#destroyForcibly()} sends SIGKILL to any process we may signal. */
    final class HostSignals implements ProcessSignals {
        static final HostSignals INSTANCE = new HostSignals();
        private static final Logger LOG = LoggerFactory.getLogger(HostSignals.class);

        private HostSignals() {}

        @Override
        public void kill(long pid) {
            if (pid == ProcessHandle.current().pid()) {
                LOG.warn("not killing pid {}: it is this agent itself", pid);
                return;
            }
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
