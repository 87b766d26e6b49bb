package dev.vortex.sync;

import java.time.Duration;

/** How a throttled run waits: production waits on the throttle (woken by any finished fetch); tests advance a fake clock. */
@FunctionalInterface
interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
}
